// Slot computation for a 20-agent team over a 30-day horizon: agents spread over six time zones
// (three of them crossing a daylight-saving change inside the horizon), each with weekly hours,
// a few days off and extra hours, and a busy calendar. Prints the time per computation and ends
// with one JSON line of the figures. Run: node --import tsx bench/slots.ts
import type { WeeklyHours } from '@parley/protocol';
import { type Busy, type SlotRules, type TeamMember, teamSlots } from '../apps/server/src/meetings/slots';

const AGENTS = 20;
const HORIZON_DAYS = 30;
const RUNS = 200;
const ZONES = [
  'Europe/Bucharest',
  'Europe/Warsaw',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Sydney',
  'UTC',
];
// Three weeks before the European change back to winter time and the American one after it.
const now = new Date('2026-10-12T06:00:00Z');

const rules: SlotRules = {
  lengthMinutes: 30,
  minNoticeMinutes: 120,
  horizonDays: HORIZON_DAYS,
  bufferMinutes: 10,
  slotStepMinutes: 15,
};

function member(index: number): TeamMember {
  const weekly: WeeklyHours[] = ([1, 2, 3, 4, 5] as const).flatMap((day) => [
    { day, start: '09:00', end: '12:30' },
    { day, start: '13:30', end: '17:30' },
  ]);
  const exceptions = [
    { date: `2026-10-${String(14 + (index % 10)).padStart(2, '0')}`, hours: [] },
    { date: '2026-10-24', hours: [{ start: '10:00', end: '14:00' }] },
  ];
  // About four meetings a working day, spread over the horizon.
  const busy: Busy[] = [];
  for (let k = 0; k < 80; k++) {
    const start = new Date(now.getTime() + (k * 9 + index) * 3_600_000 + 3 * 3_600_000);
    busy.push({ start, until: new Date(start.getTime() + 40 * 60_000) });
  }
  return {
    agentId: `agent-${index}`,
    availability: { timeZone: ZONES[index % ZONES.length]!, weekly, exceptions },
    busy,
  };
}

const team = Array.from({ length: AGENTS }, (_, i) => member(i));

// The first run also learns each zone's days (offsets come from Intl and are kept after).
const coldStarted = process.hrtime.bigint();
let slots = teamSlots(team, rules, now);
const coldMs = Number(process.hrtime.bigint() - coldStarted) / 1e6;
for (let i = 0; i < 20; i++) slots = teamSlots(team, rules, now);

const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const started = process.hrtime.bigint();
  slots = teamSlots(team, rules, now);
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
const round = (ms: number) => Math.round(ms * 100) / 100;
const figures = {
  bench: 'slots',
  agents: AGENTS,
  horizonDays: HORIZON_DAYS,
  runs: RUNS,
  slots: slots.length,
  memberSlots: slots.reduce((sum, s) => sum + s.agentIds.length, 0),
  coldMs: round(coldMs),
  medianMs: round(at(0.5)),
  p95Ms: round(at(0.95)),
  maxMs: round(times.at(-1)!),
};
console.log(
  `slots: ${AGENTS}-agent team, ${HORIZON_DAYS}-day horizon: ${figures.slots} team slots (${figures.memberSlots} agent slots), ` +
    `first run ${figures.coldMs} ms, then median ${figures.medianMs} ms, p95 ${figures.p95Ms} ms over ${RUNS} runs`,
);
console.log(JSON.stringify(figures));
