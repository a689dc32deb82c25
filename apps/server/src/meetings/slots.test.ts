import { TZDate } from '@date-fns/tz';
import type { WeeklyHours } from '@parley/protocol';
import { addDays, format } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Availability,
  type Busy,
  collides,
  freeSlots,
  presentSlot,
  type SlotRules,
  teamSlots,
} from './slots';

const pad = (n: number) => String(n).padStart(2, '0');

const weekdays = (start: string, end: string): WeeklyHours[] =>
  ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start, end }));

const rules = (overrides: Partial<SlotRules> = {}): SlotRules => ({
  lengthMinutes: 30,
  minNoticeMinutes: 0,
  horizonDays: 14,
  bufferMinutes: 0,
  slotStepMinutes: 30,
  ...overrides,
});

const iso = (s: string) => new Date(s).toISOString();
const starts = (slots: { start: Date }[]) => slots.map((s) => s.start.toISOString());
const firstOfDay = (slots: { start: Date }[], timeZone: string) => {
  const seen = new Map<string, string>();
  for (const slot of slots) {
    const shown = presentSlot({ start: slot.start, end: slot.start }, timeZone);
    if (!seen.has(shown.date)) seen.set(shown.date, shown.start);
  }
  return Object.fromEntries(seen);
};

describe('slots across daylight-saving changes', () => {
  it('keeps a Bucharest agent at 09:00 local across the spring change, shown in New York time', () => {
    // Europe/Bucharest moves from +02:00 to +03:00 on Sunday 29 March 2026.
    const agent: Availability = {
      timeZone: 'Europe/Bucharest',
      weekly: weekdays('09:00', '17:00'),
      exceptions: [],
    };
    const slots = freeSlots(agent, [], rules({ horizonDays: 5 }), new Date('2026-03-26T22:00:00Z'));
    expect(firstOfDay(slots, 'Europe/Bucharest')).toEqual({
      '2026-03-27': iso('2026-03-27T07:00:00Z'),
      '2026-03-30': iso('2026-03-30T06:00:00Z'),
      '2026-03-31': iso('2026-03-31T06:00:00Z'),
    });
    // 16 half-hour slots a day, the same on both sides of the change.
    expect(slots.filter((s) => presentSlot(s, 'Europe/Bucharest').date === '2026-03-27')).toHaveLength(16);
    expect(slots.filter((s) => presentSlot(s, 'Europe/Bucharest').date === '2026-03-30')).toHaveLength(16);
    // New York is already on daylight time: 09:00 in Bucharest is 03:00 there on Friday, 02:00 on Monday.
    const friday = presentSlot(slots[0]!, 'America/New_York');
    expect(friday).toMatchObject({ date: '2026-03-27', label: 'Fri 27 Mar, 03:00' });
    const monday = slots.find((s) => s.start.toISOString() === iso('2026-03-30T06:00:00Z'))!;
    expect(presentSlot(monday, 'America/New_York')).toMatchObject({
      date: '2026-03-30',
      label: 'Mon 30 Mar, 02:00',
    });
  });

  it('gives a Warsaw agent seven hours on the night the clocks go back, shown in Bucharest and New York time', () => {
    // Europe/Warsaw goes from +02:00 back to +01:00 at 03:00 on Sunday 25 October 2026.
    const agent: Availability = {
      timeZone: 'Europe/Warsaw',
      weekly: [
        { day: 6, start: '00:00', end: '06:00' },
        { day: 0, start: '00:00', end: '06:00' },
        ...weekdays('09:00', '17:00'),
      ],
      exceptions: [],
    };
    const hourly = rules({ lengthMinutes: 60, slotStepMinutes: 60, horizonDays: 10 });
    const slots = freeSlots(agent, [], hourly, new Date('2026-10-23T12:00:00Z'));
    const on = (date: string) => slots.filter((s) => presentSlot(s, 'Europe/Warsaw').date === date);
    expect(on('2026-10-24')).toHaveLength(6);
    expect(starts(on('2026-10-25'))).toEqual([
      iso('2026-10-24T22:00:00Z'),
      iso('2026-10-24T23:00:00Z'),
      iso('2026-10-25T00:00:00Z'),
      iso('2026-10-25T01:00:00Z'),
      iso('2026-10-25T02:00:00Z'),
      iso('2026-10-25T03:00:00Z'),
      iso('2026-10-25T04:00:00Z'),
    ]);
    // The hour from 02:00 to 03:00 happens twice in Warsaw.
    expect(on('2026-10-25').map((s) => presentSlot(s, 'Europe/Warsaw').label)).toEqual([
      'Sun 25 Oct, 00:00',
      'Sun 25 Oct, 01:00',
      'Sun 25 Oct, 02:00',
      'Sun 25 Oct, 02:00',
      'Sun 25 Oct, 03:00',
      'Sun 25 Oct, 04:00',
      'Sun 25 Oct, 05:00',
    ]);
    const mondayNine = on('2026-10-26')[0]!;
    expect(mondayNine.start.toISOString()).toBe(iso('2026-10-26T08:00:00Z'));
    // Bucharest changed the same night: still one hour ahead of Warsaw.
    expect(presentSlot(mondayNine, 'Europe/Bucharest').label).toBe('Mon 26 Oct, 10:00');
    // New York changes a week later: five hours behind for that week, six after.
    expect(presentSlot(mondayNine, 'America/New_York').label).toBe('Mon 26 Oct, 04:00');
    const nextMondayNine = on('2026-11-02')[0]!;
    expect(nextMondayNine.start.toISOString()).toBe(iso('2026-11-02T08:00:00Z'));
    expect(presentSlot(nextMondayNine, 'America/New_York').label).toBe('Mon 2 Nov, 03:00');
  });

  it('gives a New York agent four hours on the night the clocks go forward, shown in Bucharest time', () => {
    // America/New_York skips 02:00-03:00 on Sunday 8 March 2026; Bucharest changes three weeks later.
    const agent: Availability = {
      timeZone: 'America/New_York',
      weekly: [{ day: 0, start: '00:00', end: '05:00' }],
      exceptions: [],
    };
    const slots = freeSlots(
      agent,
      [],
      rules({ lengthMinutes: 60, slotStepMinutes: 60, horizonDays: 3 }),
      new Date('2026-03-07T00:00:00Z'),
    );
    expect(starts(slots)).toEqual([
      iso('2026-03-08T05:00:00Z'),
      iso('2026-03-08T06:00:00Z'),
      iso('2026-03-08T07:00:00Z'),
      iso('2026-03-08T08:00:00Z'),
    ]);
    expect(slots.map((s) => presentSlot(s, 'America/New_York').label)).toEqual([
      'Sun 8 Mar, 00:00',
      'Sun 8 Mar, 01:00',
      'Sun 8 Mar, 03:00',
      'Sun 8 Mar, 04:00',
    ]);
    expect(slots.map((s) => presentSlot(s, 'Europe/Bucharest').label)).toEqual([
      'Sun 8 Mar, 07:00',
      'Sun 8 Mar, 08:00',
      'Sun 8 Mar, 09:00',
      'Sun 8 Mar, 10:00',
    ]);
  });
});

describe('slot rules', () => {
  const warsaw: Availability = {
    timeZone: 'Europe/Warsaw',
    weekly: weekdays('09:00', '12:00'),
    exceptions: [],
  };
  // Monday 8 June 2026, 06:00 in Warsaw (+02:00).
  const now = new Date('2026-06-08T04:00:00Z');

  it('replaces a weekday by its exception: a day off, or other hours', () => {
    const agent: Availability = {
      ...warsaw,
      exceptions: [
        { date: '2026-06-09', hours: [] },
        { date: '2026-06-10', hours: [{ start: '14:00', end: '15:00' }] },
        { date: '2026-06-13', hours: [{ start: '10:00', end: '11:00' }] },
      ],
    };
    const slots = freeSlots(agent, [], rules({ horizonDays: 6 }), now);
    const byDate = (date: string) =>
      slots
        .filter((s) => presentSlot(s, 'Europe/Warsaw').date === date)
        .map((s) => presentSlot(s, 'Europe/Warsaw').label);
    expect(byDate('2026-06-08')).toHaveLength(6);
    expect(byDate('2026-06-09')).toEqual([]);
    expect(byDate('2026-06-10')).toEqual(['Wed 10 Jun, 14:00', 'Wed 10 Jun, 14:30']);
    expect(byDate('2026-06-13')).toEqual(['Sat 13 Jun, 10:00', 'Sat 13 Jun, 10:30']);
    expect(byDate('2026-06-14')).toEqual([]);
  });

  it('keeps the buffer clear on both sides of a booked meeting', () => {
    // Booked 10:00-10:30 Warsaw time with a 15-minute buffer: blocked until 10:45.
    const busy = [{ start: new Date('2026-06-08T08:00:00Z'), until: new Date('2026-06-08T08:45:00Z') }];
    const slots = freeSlots(
      warsaw,
      busy,
      rules({ horizonDays: 1, bufferMinutes: 15, slotStepMinutes: 15 }),
      now,
    );
    expect(slots.map((s) => presentSlot(s, 'Europe/Warsaw').label)).toEqual([
      'Mon 8 Jun, 09:00',
      'Mon 8 Jun, 09:15',
      'Mon 8 Jun, 10:45',
      'Mon 8 Jun, 11:00',
      'Mon 8 Jun, 11:15',
      'Mon 8 Jun, 11:30',
    ]);
  });

  it('starts no sooner than the minimum notice and no later than the horizon', () => {
    const slots = freeSlots(warsaw, [], rules({ minNoticeMinutes: 4 * 60, horizonDays: 3 }), now);
    // 06:00 + 4 h = 10:00 on Monday; the horizon ends Thursday 06:00, before Thursday's hours.
    expect(presentSlot(slots[0]!, 'Europe/Warsaw').label).toBe('Mon 8 Jun, 10:00');
    expect(presentSlot(slots.at(-1)!, 'Europe/Warsaw').label).toBe('Wed 10 Jun, 11:30');
    expect(slots).toHaveLength(4 + 6 + 6);
    const withinHorizon = freeSlots(warsaw, [], rules({ horizonDays: 3 }), new Date('2026-06-08T08:15:00Z'));
    expect(presentSlot(withinHorizon.at(-1)!, 'Europe/Warsaw').label).toBe('Thu 11 Jun, 10:00');
  });

  it('merges a team, naming who is free at each time', () => {
    const ny: Availability = {
      timeZone: 'America/New_York',
      weekly: weekdays('04:00', '05:00'),
      exceptions: [],
    };
    const slots = teamSlots(
      [
        { agentId: 'warsaw', availability: warsaw, busy: [] },
        { agentId: 'newyork', availability: ny, busy: [] },
      ],
      rules({ horizonDays: 1 }),
      now,
    );
    // 04:00 in New York is 10:00 in Warsaw in June.
    expect(slots.map((s) => [presentSlot(s, 'Europe/Warsaw').label, s.agentIds])).toEqual([
      ['Mon 8 Jun, 09:00', ['warsaw']],
      ['Mon 8 Jun, 09:30', ['warsaw']],
      ['Mon 8 Jun, 10:00', ['warsaw', 'newyork']],
      ['Mon 8 Jun, 10:30', ['warsaw', 'newyork']],
      ['Mon 8 Jun, 11:00', ['warsaw']],
      ['Mon 8 Jun, 11:30', ['warsaw']],
    ]);
  });
});

/** The straightforward computation: one @date-fns/tz conversion per wall time, no shortcuts. */
function reference(availability: Availability, busy: Busy[], rules: SlotRules, now: Date): string[] {
  const { timeZone } = availability;
  const earliest = now.getTime() + rules.minNoticeMinutes * 60_000;
  const latest = now.getTime() + rules.horizonDays * 86_400_000;
  const out: number[] = [];
  const today = new TZDate(now.getTime(), timeZone);
  const midnight = new TZDate(today.getFullYear(), today.getMonth(), today.getDate(), timeZone);
  for (let k = 0; k <= rules.horizonDays + 1; k++) {
    const day = addDays(midnight, k);
    const key = format(day, 'yyyy-MM-dd');
    const hours =
      availability.exceptions.find((e) => e.date === key)?.hours ??
      availability.weekly.filter((w) => w.day === day.getDay());
    const at = (wall: string) => {
      const [h, m] = wall.split(':').map(Number) as [number, number];
      return new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), h, m, timeZone).getTime();
    };
    const windows = hours
      .map((r) => ({ start: at(r.start), end: at(r.end) }))
      .sort((a, b) => a.start - b.start);
    for (const w of windows) {
      for (let t = w.start; t + rules.lengthMinutes * 60_000 <= w.end; t += rules.slotStepMinutes * 60_000) {
        if (t < earliest || t >= latest || (out.length > 0 && out.at(-1)! >= t)) continue;
        if (busy.some((b) => collides(b, new Date(t), rules.lengthMinutes, rules.bufferMinutes))) continue;
        out.push(t);
      }
    }
  }
  return out.map((t) => new Date(t).toISOString());
}

describe('slots, property-based', () => {
  // Zones with DST at 02:00 and 03:00, a 30-minute DST shift, DST at midnight, and odd offsets.
  const zones = [
    'Europe/Bucharest',
    'Europe/Warsaw',
    'America/New_York',
    'America/Santiago',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'America/St_Johns',
    'UTC',
  ];
  const wall = fc.integer({ min: 0, max: 96 }).map((q) => `${pad(Math.floor(q / 4))}:${pad((q % 4) * 15)}`);
  const range = fc.tuple(wall, wall).filter(([a, b]) => a < b);
  const availability = fc.record({
    timeZone: fc.constantFrom(...zones),
    weekly: fc.array(
      fc
        .tuple(fc.constantFrom(0, 1, 2, 3, 4, 5, 6), range)
        .map(([day, [start, end]]) => ({ day, start, end })),
      { maxLength: 10 },
    ),
    exceptions: fc.array(
      fc.record({
        date: fc
          .integer({ min: 0, max: 400 })
          .map((n) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10)),
        hours: fc.array(
          range.map(([start, end]) => ({ start, end })),
          { maxLength: 2 },
        ),
      }),
      { maxLength: 5 },
    ),
  }) as fc.Arbitrary<Availability>;

  it('matches the straightforward computation in every zone, across DST changes', () => {
    fc.assert(
      fc.property(
        availability,
        fc
          .integer({ min: 0, max: 365 * 24 * 4 })
          .map((q) => new Date(Date.UTC(2026, 0, 1) + q * 15 * 60_000)),
        fc.record({
          lengthMinutes: fc.constantFrom(15, 30, 45, 60),
          minNoticeMinutes: fc.constantFrom(0, 60, 240),
          horizonDays: fc.integer({ min: 1, max: 21 }),
          bufferMinutes: fc.constantFrom(0, 10, 15),
          slotStepMinutes: fc.constantFrom(15, 30, 60),
        }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 21 * 96 }), fc.integer({ min: 1, max: 8 })), {
          maxLength: 12,
        }),
        (agent, now, rules, blocks) => {
          const busy = blocks.map(([from, quarters]) => {
            const start = new Date(now.getTime() + from * 15 * 60_000);
            return { start, until: new Date(start.getTime() + quarters * 15 * 60_000) };
          });
          expect(starts(freeSlots(agent, busy, rules, now))).toEqual(reference(agent, busy, rules, now));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
