// The durable outbox of everything Parley owes the outside world (emails of conversations,
// meeting emails, and webhooks next): one claim with a lease and one retry policy. Each owed item
// is stored in the same update as the change it announces (by its domain), claimed here before it
// is sent, and on failure either given another attempt after a back-off or given up, visibly
// (logged, and recorded where its owner shows it). Two shapes of item: a document of its own
// (`claimItem`) or an entry kept inside the document it announces (`claimEntry`).
import { randomBytes } from 'node:crypto';
import type { Collection, Document, Filter, UpdateFilter, WithId } from 'mongodb';

const MINUTE = 60_000;

export const OUTBOX_POLICY = {
  /** How long a claimed item belongs to the worker that claimed it; a dead worker's claim runs out. */
  leaseMs: 15 * MINUTE,
  /** The wait after the first failed attempt; it doubles with each failure, up to `maxWaitMs`. */
  firstWaitMs: 30_000,
  maxWaitMs: 60 * MINUTE,
  /** Attempts before an item is given up: 30 s, 1, 2, 4 … 32 min, then hourly, about five hours in all. */
  maxAttempts: 12,
} as const;

/**
 * What follows the failure of attempt number `attempts` (1 for the first): the time of the next
 * attempt, or null when the item is to be given up.
 * @example const next = nextAttempt(job.attempts, new Date()); if (!next) giveUp(job);
 */
export function nextAttempt(attempts: number, now: Date): Date | null {
  if (attempts >= OUTBOX_POLICY.maxAttempts) return null;
  const wait = Math.min(OUTBOX_POLICY.maxWaitMs, OUTBOX_POLICY.firstWaitMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + wait);
}

/** When a claim made at `now` runs out. */
export const leaseUntil = (now: Date): Date => new Date(now.getTime() + OUTBOX_POLICY.leaseMs);

/**
 * Claims the owed item of `collection` due soonest (`dueAt` passed, no live lease), counting the
 * attempt; null when none is due. The item keeps its claim until `leaseUntil`; give it back with
 * `leaseUntil: new Date(0)`.
 * @example const job = await claimItem(jobs, {}, new Date());
 */
export async function claimItem<T extends { dueAt: Date; leaseUntil: Date; attempts: number }>(
  collection: Collection<T>,
  filter: Filter<T>,
  now: Date,
): Promise<WithId<T> | null> {
  return collection.findOneAndUpdate(
    { ...filter, dueAt: { $lte: now }, leaseUntil: { $lte: now } } as Filter<T>,
    { $set: { leaseUntil: leaseUntil(now) }, $inc: { attempts: 1 } } as unknown as UpdateFilter<T>,
    { sort: { dueAt: 1 }, returnDocument: 'after' },
  );
}

/**
 * Claims one due entry of the array `field` of a document matching `filter` (an entry pending,
 * or claimed by a worker whose lease of `leaseMs` ran out) with an atomic update: the document as
 * it is after, the claim's token, and a filter that reaches the claimed entry with `<field>.$`.
 * @example const claimed = await claimEntry(meetings, 'mails', { _id }, new Date(), OUTBOX_POLICY.leaseMs);
 */
export async function claimEntry<T extends Document>(
  collection: Collection<T>,
  field: string,
  filter: Filter<T>,
  now: Date,
  leaseMs: number,
): Promise<{ doc: WithId<T>; claimToken: string; mine: Filter<T> } | null> {
  const claimToken = randomBytes(12).toString('base64url');
  const leaseEnded = new Date(now.getTime() - leaseMs);
  const doc = await collection.findOneAndUpdate(
    {
      ...filter,
      [field]: {
        $elemMatch: {
          dueAt: { $lte: now },
          $or: [{ state: 'pending' }, { state: 'sending', claimedAt: { $lt: leaseEnded } }],
        },
      },
    } as Filter<T>,
    {
      $set: {
        [`${field}.$.state`]: 'sending',
        [`${field}.$.claimedAt`]: now,
        [`${field}.$.claimToken`]: claimToken,
      },
    } as unknown as UpdateFilter<T>,
    { returnDocument: 'after' },
  );
  return doc
    ? { doc, claimToken, mine: { _id: doc._id, [field]: { $elemMatch: { claimToken } } } as Filter<T> }
    : null;
}
