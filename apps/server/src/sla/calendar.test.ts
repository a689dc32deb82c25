import type { BusinessCalendar, WorkingInterval } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, addBusinessSeconds, businessSeconds, withinHours } from './calendar';

const weekdays = (...ranges: [string, string][]): WorkingInterval[] =>
  [1, 2, 3, 4, 5].flatMap((day) => ranges.map(([from, to]) => ({ day, from, to })));
const calendar = (
  timeZone: string,
  intervals: WorkingInterval[],
  holidays: string[] = [],
): BusinessCalendar => ({
  enabled: true,
  timeZone,
  intervals,
  holidays,
});
const allWeek = (timeZone: string) =>
  calendar(
    timeZone,
    [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, from: '00:00', to: '24:00' })),
  );
const at = (iso: string) => new Date(iso);
const H = 3600;

describe('business seconds', () => {
  const bucharest = calendar('Europe/Bucharest', weekdays(['09:00', '17:00']));
  const warsaw = calendar('Europe/Warsaw', weekdays(['09:00', '17:00']));

  it('skips the weekend: Friday 16:00 to Monday 10:00 is two working hours', () => {
    // 20 Mar 2026 is a Friday; Bucharest is UTC+2 in winter.
    expect(businessSeconds(bucharest, at('2026-03-20T14:00:00Z'), at('2026-03-23T08:00:00Z'))).toBe(2 * H);
    expect(addBusinessSeconds(bucharest, at('2026-03-20T14:00:00Z'), 2 * H)).toEqual(
      at('2026-03-23T08:00:00Z'),
    );
  });

  it('skips a lunch break', () => {
    const lunch = calendar('Europe/Warsaw', weekdays(['09:00', '12:00'], ['13:00', '17:00']));
    // Monday 2 Mar 2026, 11:30 to 13:30 Warsaw (UTC+1): 30 min before lunch, 30 after.
    expect(businessSeconds(lunch, at('2026-03-02T10:30:00Z'), at('2026-03-02T12:30:00Z'))).toBe(H);
    expect(addBusinessSeconds(lunch, at('2026-03-02T10:30:00Z'), H)).toEqual(at('2026-03-02T12:30:00Z'));
    expect(withinHours(lunch, at('2026-03-02T11:30:00Z'))).toBe(false);
    expect(withinHours(lunch, at('2026-03-02T12:00:00Z'))).toBe(true);
  });

  it('skips a holiday, read in the site zone', () => {
    // 1 Dec 2026 (Tuesday) is Romania's national day.
    const withHoliday = calendar('Europe/Bucharest', weekdays(['09:00', '17:00']), ['2026-12-01']);
    const from = at('2026-11-30T14:00:00Z'); // Monday 16:00
    const to = at('2026-12-02T08:00:00Z'); // Wednesday 10:00
    expect(businessSeconds(withHoliday, from, to)).toBe(2 * H);
    expect(businessSeconds(bucharest, from, to)).toBe(10 * H);
    expect(addBusinessSeconds(withHoliday, from, 2 * H)).toEqual(to);
    expect(withinHours(withHoliday, at('2026-12-01T10:00:00Z'))).toBe(false);
  });

  it('follows the spring change in Bucharest (EET to EEST, 29 Mar 2026)', () => {
    // Friday 16:00 EET = 14:00Z; Monday 10:00 EEST = 07:00Z: still two working hours.
    expect(businessSeconds(bucharest, at('2026-03-27T14:00:00Z'), at('2026-03-30T07:00:00Z'))).toBe(2 * H);
    expect(addBusinessSeconds(bucharest, at('2026-03-27T14:00:00Z'), 2 * H)).toEqual(
      at('2026-03-30T07:00:00Z'),
    );
    // Saturday noon to Sunday noon is 23 real hours.
    expect(
      businessSeconds(allWeek('Europe/Bucharest'), at('2026-03-28T10:00:00Z'), at('2026-03-29T09:00:00Z')),
    ).toBe(23 * H);
  });

  it('follows the autumn change in Bucharest (25 Oct 2026)', () => {
    expect(businessSeconds(bucharest, at('2026-10-23T13:00:00Z'), at('2026-10-26T08:00:00Z'))).toBe(2 * H);
    expect(
      businessSeconds(allWeek('Europe/Bucharest'), at('2026-10-24T09:00:00Z'), at('2026-10-25T10:00:00Z')),
    ).toBe(25 * H);
  });

  it('follows both changes in Warsaw', () => {
    // Spring: Friday 27 Mar 16:00 CET = 15:00Z; Monday 10:00 CEST = 08:00Z.
    expect(businessSeconds(warsaw, at('2026-03-27T15:00:00Z'), at('2026-03-30T08:00:00Z'))).toBe(2 * H);
    // Autumn: Friday 23 Oct 16:00 CEST = 14:00Z; Monday 10:00 CET = 09:00Z.
    expect(businessSeconds(warsaw, at('2026-10-23T14:00:00Z'), at('2026-10-26T09:00:00Z'))).toBe(2 * H);
    expect(addBusinessSeconds(warsaw, at('2026-10-23T14:00:00Z'), 2 * H)).toEqual(at('2026-10-26T09:00:00Z'));
    // Hours on the day of the change itself keep their wall clock.
    const sunday = calendar('Europe/Warsaw', [{ day: 0, from: '09:00', to: '17:00' }]);
    expect(businessSeconds(sunday, at('2026-03-29T00:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(8 * H);
    expect(withinHours(sunday, at('2026-03-29T07:00:00Z'))).toBe(true); // 09:00 CEST
    expect(withinHours(sunday, at('2026-03-29T06:59:00Z'))).toBe(false);
  });

  it('counts every second with the calendar off, and nothing backwards', () => {
    expect(businessSeconds(ALWAYS_OPEN, at('2026-03-20T14:00:00Z'), at('2026-03-23T08:00:00Z'))).toBe(66 * H);
    expect(businessSeconds(bucharest, at('2026-03-23T08:00:00Z'), at('2026-03-20T14:00:00Z'))).toBe(0);
    expect(addBusinessSeconds(calendar('UTC', []), at('2026-03-20T14:00:00Z'), 60)).toBeNull();
  });

  it('adding what lies between gives the end back (Warsaw, lunch, holidays)', () => {
    const cal = calendar('Europe/Warsaw', weekdays(['08:30', '12:00'], ['12:45', '18:00']), [
      '2026-11-11',
      '2026-12-25',
    ]);
    const range = Date.parse('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 360 * 86_400 }),
        fc.integer({ min: 1, max: 200 * H }),
        (offset, secs) => {
          const start = new Date(range + offset * 1000);
          const end = addBusinessSeconds(cal, start, secs)!;
          expect(businessSeconds(cal, start, end)).toBe(secs);
          expect(withinHours(cal, new Date(end.getTime() - 1000))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
