import { describe, expect, it } from 'vitest';
import { withinBusinessHours } from './availability';

const weekdays = (from: string, to: string) => [1, 2, 3, 4, 5].map((day) => ({ day, from, to }));

describe('business hours', () => {
  const hours = { enabled: true, timeZone: 'Europe/Bucharest', intervals: weekdays('09:00', '17:00') };

  it("reads the clock in the site's time zone, not the server's", () => {
    // Monday 2026-11-23: Bucharest is UTC+2 in November.
    expect(withinBusinessHours(hours, new Date('2026-11-23T06:59:00Z'))).toBe(false);
    expect(withinBusinessHours(hours, new Date('2026-11-23T07:00:00Z'))).toBe(true);
    expect(withinBusinessHours(hours, new Date('2026-11-23T14:59:00Z'))).toBe(true);
    expect(withinBusinessHours(hours, new Date('2026-11-23T15:00:00Z'))).toBe(false);
    // Summer time: UTC+3.
    expect(withinBusinessHours(hours, new Date('2026-07-06T06:30:00Z'))).toBe(true);
    expect(withinBusinessHours(hours, new Date('2026-07-06T05:59:00Z'))).toBe(false);
  });

  it('knows the weekday where the site is, across midnight UTC', () => {
    const tokyo = {
      enabled: true,
      timeZone: 'Asia/Tokyo',
      intervals: [{ day: 1, from: '08:00', to: '10:00' }],
    };
    // Sunday 23:30 UTC is Monday 08:30 in Tokyo.
    expect(withinBusinessHours(tokyo, new Date('2026-11-22T23:30:00Z'))).toBe(true);
    expect(withinBusinessHours(tokyo, new Date('2026-11-23T23:30:00Z'))).toBe(false);
  });

  it('is always open when hours are off, and never when none are set', () => {
    expect(withinBusinessHours({ ...hours, enabled: false }, new Date('2026-11-22T03:00:00Z'))).toBe(true);
    expect(withinBusinessHours({ ...hours, intervals: [] }, new Date('2026-11-23T10:00:00Z'))).toBe(false);
  });

  it('treats "24:00" as the end of the day', () => {
    const late = { enabled: true, timeZone: 'UTC', intervals: [{ day: 1, from: '18:00', to: '24:00' }] };
    expect(withinBusinessHours(late, new Date('2026-11-23T23:59:00Z'))).toBe(true);
    expect(withinBusinessHours(late, new Date('2026-11-24T00:00:00Z'))).toBe(false);
  });
});
