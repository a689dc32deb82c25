// Token buckets for every rate limit of the relay (socket events, HTTP routes, sites, client addresses, sign-ins),
// one per key, held in a bounded LRU: a flood of new keys evicts the least recently used bucket,
// never every bucket at once, and a bucket is dropped on its own only once it would be full again.
import { LRUCache } from 'lru-cache';

class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** How many keys a bucket map holds unless told otherwise. */
const DEFAULT_MAX_KEYS = 10_000;

/** One bucket per key, created on first use. */
export class RateBuckets {
  private readonly buckets: LRUCache<string, TokenBucket>;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    maxKeys = DEFAULT_MAX_KEYS,
  ) {
    // An untouched bucket is full again after burst / perSecond: forgetting it then loses nothing.
    const refillMs = Math.ceil((burst / Math.max(perSecond, 1e-9)) * 1000);
    this.buckets = new LRUCache({ max: maxKeys, ttl: refillMs, updateAgeOnGet: true });
  }

  /** Takes one token from the key's bucket, creating the bucket on first use. */
  take(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.perSecond, this.burst);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** How many buckets are held now. */
  get size(): number {
    return this.buckets.size;
  }
}
