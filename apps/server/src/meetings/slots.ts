// Free slots: an agent's working hours in their own zone, minus date exceptions, minus busy time
// and buffers, kept within minimum notice and the booking horizon. Pure: "now" is an argument.
// Wall-clock times become instants through @date-fns/tz, day by day, so a daylight-saving change
// moves the hours with the agent's clock instead of shifting them by an hour.

import { TZDate, tzOffset } from '@date-fns/tz';
import type { DateException, HoursRange, Slot, WeeklyHours } from '@parley/protocol';
import { format } from 'date-fns';

const MINUTE = 60_000;

export interface Availability {
  timeZone: string;
  weekly: readonly WeeklyHours[];
  exceptions: readonly DateException[];
}

/** Time an agent is taken: a meeting from `start`, blocked with its buffer until `until`. */
export interface Busy {
  start: Date;
  until: Date;
}

export interface SlotRules {
  lengthMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
  bufferMinutes: number;
  slotStepMinutes: number;
}

export interface FreeSlot {
  start: Date;
  end: Date;
}

/**
 * Whether a meeting at `start` for `lengthMinutes` (plus `bufferMinutes` after it) collides with
 * busy time. The booking claim in MongoDB asks the same question; see MeetingService.claim.
 */
export function collides(busy: Busy, start: Date, lengthMinutes: number, bufferMinutes: number): boolean {
  const until = start.getTime() + (lengthMinutes + bufferMinutes) * MINUTE;
  return busy.start.getTime() < until && busy.until.getTime() > start.getTime();
}

function minutesOf(wall: string): number {
  const [h, m] = wall.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/**
 * A local date in a zone: the instant it starts and, when the zone's offset holds all day, that
 * offset. Memoised, because each lookup asks Intl and zone rules do not change while we run.
 */
interface LocalDay {
  start: number;
  /** Minutes east of UTC, or null on a day the clocks change. */
  offset: number | null;
}

const localDays = new Map<string, LocalDay>();

function localDay(timeZone: string, y: number, m: number, d: number): LocalDay {
  const key = `${timeZone}|${y}|${m}|${d}`;
  let day = localDays.get(key);
  if (!day) {
    const guess = tzOffset(timeZone, new Date(Date.UTC(y, m, d, 12)));
    const start = Date.UTC(y, m, d) - guess * MINUTE;
    const next = Date.UTC(y, m, d + 1) - guess * MINUTE;
    const steady =
      tzOffset(timeZone, new Date(start)) === guess && tzOffset(timeZone, new Date(next)) === guess;
    day = steady
      ? { start, offset: guess }
      : { start: new TZDate(y, m, d, timeZone).getTime(), offset: null };
    if (localDays.size > 100_000) localDays.clear();
    localDays.set(key, day);
  }
  return day;
}

/** The instant of a wall-clock time on a local day; a time skipped by DST moves forward. */
function instant(day: LocalDay, y: number, m: number, d: number, wall: string, timeZone: string): number {
  const minutes = minutesOf(wall);
  if (day.offset !== null) return Date.UTC(y, m, d, 0, minutes) - day.offset * MINUTE;
  return new TZDate(y, m, d, Math.floor(minutes / 60), minutes % 60, timeZone).getTime();
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Every free slot of one agent, earliest first.
 * @example freeSlots({ timeZone: 'Europe/Warsaw', weekly, exceptions: [] }, [], rules, new Date())
 */
export function freeSlots(
  availability: Availability,
  busy: readonly Busy[],
  rules: SlotRules,
  now: Date,
): FreeSlot[] {
  const { timeZone } = availability;
  const earliest = now.getTime() + rules.minNoticeMinutes * MINUTE;
  const latest = now.getTime() + rules.horizonDays * 24 * 60 * MINUTE;
  const length = rules.lengthMinutes * MINUTE;
  const step = rules.slotStepMinutes * MINUTE;
  const blocked = (rules.lengthMinutes + rules.bufferMinutes) * MINUTE;
  const sortedBusy = [...busy].sort((a, b) => a.start.getTime() - b.start.getTime());
  const exceptions = new Map<string, readonly HoursRange[]>();
  for (const e of availability.exceptions) if (!exceptions.has(e.date)) exceptions.set(e.date, e.hours);
  const weekly: HoursRange[][] = [[], [], [], [], [], [], []];
  for (const w of availability.weekly) weekly[w.day]!.push(w);
  const slots: FreeSlot[] = [];

  const today = new TZDate(now.getTime(), timeZone);
  for (let k = 0; ; k++) {
    // Calendar arithmetic on the local date, in UTC where every day has 24 hours.
    const date = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate() + k));
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
    const day = localDay(timeZone, y, m, d);
    if (day.start >= latest) break;
    const hours = exceptions.get(`${y}-${pad(m + 1)}-${pad(d)}`) ?? weekly[date.getUTCDay()]!;
    const windows = hours
      .map((range) => ({
        start: instant(day, y, m, d, range.start, timeZone),
        end: instant(day, y, m, d, range.end, timeZone),
      }))
      .sort((a, b) => a.start - b.start);
    for (const window of windows) {
      // Within a window candidates only move forward, so busy time that ended before one never
      // matters again; ranges may overlap, so each window starts over.
      let passed = 0;
      for (let start = window.start; start + length <= window.end; start += step) {
        if (start < earliest || start >= latest) continue;
        if (slots.length > 0 && slots[slots.length - 1]!.start.getTime() >= start) continue;
        while (passed < sortedBusy.length && sortedBusy[passed]!.until.getTime() <= start) passed++;
        const candidate = new Date(start);
        let taken = false;
        for (let i = passed; i < sortedBusy.length && sortedBusy[i]!.start.getTime() < start + blocked; i++) {
          taken ||= collides(sortedBusy[i]!, candidate, rules.lengthMinutes, rules.bufferMinutes);
        }
        if (!taken) slots.push({ start: candidate, end: new Date(start + length) });
      }
    }
  }
  return slots;
}

export interface TeamMember {
  agentId: string;
  availability: Availability;
  busy: readonly Busy[];
}

/** A free slot of a team, with the members free at that time. */
export interface TeamSlot extends FreeSlot {
  agentIds: string[];
}

/** The union of the members' free slots, earliest first; each lists who is free then. */
export function teamSlots(members: readonly TeamMember[], rules: SlotRules, now: Date): TeamSlot[] {
  const byStart = new Map<number, TeamSlot>();
  for (const member of members) {
    for (const slot of freeSlots(member.availability, member.busy, rules, now)) {
      const key = slot.start.getTime();
      const existing = byStart.get(key);
      if (existing) existing.agentIds.push(member.agentId);
      else byStart.set(key, { ...slot, agentIds: [member.agentId] });
    }
  }
  return [...byStart.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
}

/**
 * A slot as a visitor sees it: UTC instants plus the date and time in the visitor's zone.
 * @example presentSlot(slot, 'America/New_York') // { start: '2026-03-09T13:00:00.000Z', label: 'Mon 9 Mar, 09:00', ... }
 */
export function presentSlot(slot: FreeSlot, timeZone: string): Slot {
  const local = new TZDate(slot.start.getTime(), timeZone);
  return {
    start: slot.start.toISOString(),
    end: slot.end.toISOString(),
    date: format(local, 'yyyy-MM-dd'),
    label: format(local, 'EEE d MMM, HH:mm'),
  };
}
