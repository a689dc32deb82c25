// The one retry policy of everything Parley owes the outside world (emails of conversations,
// meeting emails, and webhooks next). Each owed item is stored in the same update as the change
// it announces, claimed with a lease before it is sent, and on failure either given another
// attempt after a back-off or given up, visibly (logged, and recorded where its owner shows it).

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
