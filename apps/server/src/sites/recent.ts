// What the sites domain keeps of a site for a few seconds: the handshake's lookup by public key
// and the routing settings every visitor message asks for. Bounded (least recently used go
// first), so lookups of made-up keys cannot grow it without end; and what is kept is the read
// itself, so the requests that arrive while it is in flight share it instead of each reading
// the site again (under load, thousands of reads every time an entry expired).
import { LRUCache } from 'lru-cache';

export class Recent<V> {
  private readonly entries: LRUCache<string, Promise<V>>;

  constructor(ttlMs: number, max = 10_000) {
    this.entries = new LRUCache({ max, ttl: ttlMs });
  }

  /** The value kept for `key`, or `load()`'s, kept from now on. A failed load is not kept. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const kept = this.entries.get(key);
    if (kept) return kept;
    const loading = load();
    this.entries.set(key, loading);
    loading.catch(() => {
      if (this.entries.get(key) === loading) this.entries.delete(key);
    });
    return loading;
  }

  /** Keeps `value` for `key`, as just written. */
  set(key: string, value: V): void {
    this.entries.set(key, Promise.resolve(value));
  }

  /** Forgets `key`; a read in flight still answers its callers but is not kept. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
