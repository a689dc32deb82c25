// Token buckets for every rate limit of the relay (socket events, HTTP routes, sites, client addresses, sign-ins),
// one per key, held in a bounded LRU: a flood of new keys evicts the least recently used bucket,
// never every bucket at once, and a bucket is dropped on its own only once it would be full again.
// A site's budgets are shared by every relay through Redis when there is one (SharedBuckets).
import { LRUCache } from 'lru-cache';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { createClient } from 'redis';

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

/** What a shared budget needs of the Redis client the Socket.IO adapter already holds (node-redis 4). */
export type SharedStore = ReturnType<typeof createClient>;

/** How long a take waits for Redis before it counts locally: a hung Redis must not hold up a relay. */
const REDIS_WAIT_MS = 100;
/** After Redis failed, how long takes count locally before Redis is tried again. */
const LOCAL_FOR_MS = 1000;
/** At most one log line a minute per budget about Redis failing. */
const LOG_EVERY_MS = 60_000;

/**
 * A budget every relay spends together (a site's messages and conversation starts): counted in
 * Redis when the relays share one (REDIS_URL), in this process's token buckets otherwise. In
 * Redis it is rate-limiter-flexible's fixed window of `burst` takes per `burst / perSecond`
 * seconds (at least one), the same average as the bucket. While Redis fails or does not answer
 * within 100 ms, takes count locally (each relay then allows the whole budget on its own), with
 * a log line, and Redis is tried again a second later.
 * @example const starts = new SharedBuckets('site-starts', 10, 600, redis); if (!(await starts.take(siteId))) refuse();
 */
export class SharedBuckets {
  private readonly local: RateBuckets;
  private readonly shared: RateLimiterRedis | null;
  private localUntil = 0;
  private loggedAt = 0;

  constructor(
    private readonly name: string,
    perSecond: number,
    burst: number,
    store?: SharedStore,
  ) {
    this.local = new RateBuckets(perSecond, burst);
    this.shared = store
      ? new RateLimiterRedis({
          storeClient: store,
          useRedisPackage: true,
          // A disconnected client would queue the command until it reconnects: fail at once instead.
          rejectIfRedisNotReady: true,
          keyPrefix: `parley:limit:${name}`,
          points: Math.max(1, Math.round(burst)),
          duration: Math.max(1, Math.round(burst / Math.max(perSecond, 1e-9))),
        })
      : null;
  }

  /**
   * Takes one from the key's budget: true when there was one. Answers at once when counting
   * locally (no Redis, or Redis just failed), else a promise that never rejects.
   */
  take(key: string): boolean | Promise<boolean> {
    if (!this.shared || Date.now() < this.localUntil) return this.local.take(key);
    return this.takeShared(this.shared, key);
  }

  private async takeShared(shared: RateLimiterRedis, key: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        shared.consume(key),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_WAIT_MS} ms`)), REDIS_WAIT_MS);
        }),
      ]);
      return true;
    } catch (error) {
      // rate-limiter-flexible rejects with its result when the budget is spent, with an Error when Redis failed.
      if (error instanceof RateLimiterRes) return false;
      this.localUntil = Date.now() + LOCAL_FOR_MS;
      if (Date.now() - this.loggedAt >= LOG_EVERY_MS) {
        this.loggedAt = Date.now();
        console.error(
          `parley: rate limit ${this.name} counts on this relay alone for now: Redis failed (${(error as Error).message})`,
        );
      }
      return this.local.take(key);
    } finally {
      clearTimeout(timer);
    }
  }
}
