// pnpm -s triage: one message per line on standard input, one JSON object per line out.
// `--locale ro` passes the widget's locale as a hint for every line.
import { createInterface } from 'node:readline';
import { analyse } from './index';

const at = process.argv.indexOf('--locale');
const locale = at > 0 ? process.argv[at + 1] : undefined;

for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
  const { language, sentiment, score, reasons, intent } = analyse(line, { locale });
  process.stdout.write(`${JSON.stringify({ language, sentiment, score, reasons, intent })}\n`);
}
