import { describe, expect, it } from 'vitest';
import { leaseUntil, nextAttempt, OUTBOX_POLICY } from './outbox';

describe('the outbox policy', () => {
  it('backs off from 30 s, doubling up to an hour, and gives up after the last attempt', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const waits: number[] = [];
    for (let attempts = 1; ; attempts++) {
      const next = nextAttempt(attempts, now);
      if (!next) break;
      waits.push((next.getTime() - now.getTime()) / 1000);
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]);
    expect(waits).toHaveLength(OUTBOX_POLICY.maxAttempts - 1);
    expect(nextAttempt(OUTBOX_POLICY.maxAttempts, now)).toBeNull();
  });

  it('leases a claim for fifteen minutes', () => {
    expect(leaseUntil(new Date(0)).getTime()).toBe(15 * 60_000);
  });
});
