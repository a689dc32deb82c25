// Business time over a site's calendar: how many working seconds lie between two instants, the
// instant N working seconds after another, and whether an instant is within working hours.
// Pure: no I/O, "now" is always an argument. Wall-clock intervals become instants day by day
// through @date-fns/tz, so a daylight-saving change moves the hours with the site's clock: the
// 09:00–17:00 of the day clocks go forward is 8 hours like any other, and a day's length
// (23 or 25 hours) never leaks into the figure. SLA deadlines and business-time reports use it.
import { TZDate } from '@date-fns/tz';
import type { BusinessCalendar } from '@parley/protocol';

const DAY_MS = 86_400_000;
/** Walks stop after this many days: a calendar with no working time never ends a deadline. */
const MAX_DAYS = 3_700;

/** A site that has not set its hours: open around the clock, in UTC. */
export const ALWAYS_OPEN: BusinessCalendar = { enabled: false, timeZone: 'UTC', intervals: [], holidays: [] };

interface LocalDay {
  year: number;
  month: number;
  day: number;
}

function localDay(calendar: BusinessCalendar, at: number): LocalDay {
  const local = new TZDate(at, calendar.timeZone);
  return { year: local.getFullYear(), month: local.getMonth(), day: local.getDate() };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The working spans of one local day (`offset` days after `from`), as [start, end) instants. */
function spans(calendar: BusinessCalendar, from: LocalDay, offset: number): [number, number][] {
  const noon = new TZDate(from.year, from.month, from.day + offset, 12, 0, calendar.timeZone);
  const year = noon.getFullYear();
  const month = noon.getMonth();
  const day = noon.getDate();
  if (calendar.holidays.includes(`${year}-${pad(month + 1)}-${pad(day)}`)) return [];
  const weekday = noon.getDay();
  const instant = (clock: string) => {
    const [h, m] = clock.split(':').map(Number) as [number, number];
    return new TZDate(year, month, day, h, m, calendar.timeZone).getTime();
  };
  const out: [number, number][] = [];
  for (const interval of calendar.intervals) {
    if (interval.day !== weekday) continue;
    const start = instant(interval.from);
    const end = instant(interval.to);
    if (end > start) out.push([start, end]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * Working seconds between two instants (0 when `end` is not after `start`). A disabled calendar
 * counts every second. Overlapping intervals count once.
 * @example businessSeconds(calendar, new Date('2026-03-27T16:00:00Z'), new Date('2026-03-30T08:00:00Z'))
 */
export function businessSeconds(calendar: BusinessCalendar, start: Date, end: Date): number {
  const a = start.getTime();
  const b = end.getTime();
  if (!(b > a)) return 0;
  if (!calendar.enabled) return (b - a) / 1000;
  const first = localDay(calendar, a);
  const days = Math.min(MAX_DAYS, Math.ceil((b - a) / DAY_MS) + 2);
  let total = 0;
  let covered = a;
  for (let offset = -1; offset <= days; offset++) {
    for (const [s, e] of spans(calendar, first, offset)) {
      const from = Math.max(s, covered);
      const to = Math.min(e, b);
      if (to > from) {
        total += to - from;
        covered = to;
      }
    }
  }
  return total / 1000;
}

/**
 * The instant `seconds` working seconds after `start`; null when the calendar has no working
 * time within ten years. Adding 0 from outside working hours answers `start` itself.
 * @example addBusinessSeconds(calendar, new Date('2026-03-27T16:00:00Z'), 3600)
 */
export function addBusinessSeconds(calendar: BusinessCalendar, start: Date, seconds: number): Date | null {
  const a = start.getTime();
  if (!calendar.enabled) return new Date(a + seconds * 1000);
  if (seconds <= 0) return new Date(a);
  let left = seconds * 1000;
  const first = localDay(calendar, a);
  let covered = a;
  for (let offset = -1; offset <= MAX_DAYS; offset++) {
    for (const [s, e] of spans(calendar, first, offset)) {
      const from = Math.max(s, covered);
      if (e <= from) continue;
      if (e - from >= left) return new Date(from + left);
      left -= e - from;
      covered = e;
    }
  }
  return null;
}

/** Whether `at` falls within working hours (always, for a disabled calendar). */
export function withinHours(calendar: BusinessCalendar, at: Date): boolean {
  if (!calendar.enabled) return true;
  const t = at.getTime();
  const day = localDay(calendar, t);
  return spans(calendar, day, 0).some(([s, e]) => s <= t && t < e);
}
