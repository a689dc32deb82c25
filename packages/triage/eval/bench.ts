// Throughput of the analyser: every message of both labelled sets, analysed in a loop for
// BENCH_TRIAGE_SECONDS (default 5) after a warm-up, on one core. Prints messages per second and
// the per-message p50/p99; last line one JSON object. The relay's p99 with triage on and off
// comes with the relay wiring, which has not landed yet.
// Run: pnpm bench:triage
import { performance } from 'node:perf_hooks';
import { analyse } from '../src/index';
import { readSet } from './sets';

const seconds = Number(process.env.BENCH_TRIAGE_SECONDS ?? 5);
const texts = [...readSet('dev'), ...readSet('held-out')].map((sample) => sample.text);

for (let i = 0; i < 2_000; i++) analyse(texts[i % texts.length] as string);

const durations: number[] = [];
const until = performance.now() + seconds * 1000;
let analysed = 0;
const started = performance.now();
while (performance.now() < until) {
  const text = texts[analysed % texts.length] as string;
  const before = performance.now();
  analyse(text);
  durations.push(performance.now() - before);
  analysed++;
}
const elapsed = (performance.now() - started) / 1000;
durations.sort((a, b) => a - b);
const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0;
const figures = {
  messages: analysed,
  distinctMessages: texts.length,
  messagesPerSecond: Math.round(analysed / elapsed),
  p50Us: Math.round(at(0.5) * 1000),
  p99Us: Math.round(at(0.99) * 1000),
  relayP99OnOff: 'not measured: triage is not wired into the relay yet',
};
console.log(
  `${figures.messagesPerSecond} messages/s over ${analysed} analyses of ${texts.length} messages; p50 ${figures.p50Us} µs, p99 ${figures.p99Us} µs per message`,
);
console.log(JSON.stringify(figures));
