// Where unsent messages wait. The widget keeps them in localStorage so a reload or a crashed
// tab loses nothing; agents and tests keep them in memory.

export interface OutboxItem {
  clientMsgId: string;
  /** null until the conversation it starts exists; `startKey` then names it. */
  conversationId: string | null;
  startKey?: string;
  body: string;
  createdAt: string;
  status: 'sending' | 'failed';
  error?: { code: string; message: string };
}

/** A small key-value store: localStorage, sessionStorage, or the in-memory one below. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A KeyValueStore that lives as long as the process. */
export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

export class Outbox {
  private items: OutboxItem[];

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {
    this.items = this.read();
  }

  private read(): OutboxItem[] {
    try {
      const raw = this.store.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as OutboxItem[]) : [];
    } catch {
      return [];
    }
  }

  private write(): void {
    try {
      if (this.items.length === 0) this.store.removeItem(this.key);
      else this.store.setItem(this.key, JSON.stringify(this.items));
    } catch {
      // Storage full or blocked: the items still live in memory for this page.
    }
  }

  /** Picks up items another tab added or delivered. */
  reload(): void {
    this.items = this.read();
  }

  all(): readonly OutboxItem[] {
    return this.items;
  }

  add(item: OutboxItem): void {
    this.items.push(item);
    this.write();
  }

  update(clientMsgId: string, change: Partial<OutboxItem>): void {
    this.items = this.items.map((item) => (item.clientMsgId === clientMsgId ? { ...item, ...change } : item));
    this.write();
  }

  /** Gives every item of a started conversation its id. */
  bind(startKey: string, conversationId: string): void {
    this.items = this.items.map((item) => (item.startKey === startKey ? { ...item, conversationId } : item));
    this.write();
  }

  remove(clientMsgId: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.clientMsgId !== clientMsgId);
    if (this.items.length !== before) this.write();
    return this.items.length !== before;
  }
}
