// What a message is about, from each language's intent rules: the intent with the most matching
// terms wins, ties go to the one listed first in INTENTS; an unhappy message about nothing listed
// is a complaint.
import { INTENTS, type Intent, type Lexicon, longestAt, shown } from './lexicon';
import type { Token } from './text';

export interface IntentResult {
  intent: Intent;
  /** The terms that matched, for the winning intent. */
  reasons: string[];
}

export function detectIntent(tokens: readonly Token[], lexicon: Lexicon, negative: boolean): IntentResult {
  const found = new Map<Intent, string[]>();
  for (let at = 0; at < tokens.length; ) {
    const entry = longestAt(tokens, at, lexicon, (e) => e.kind === 'intent');
    const start = at;
    at += entry ? entry.parts.length : 1;
    if (entry?.intent) {
      found.set(entry.intent, [...(found.get(entry.intent) ?? []), shown(entry, tokens.slice(start, at))]);
    }
  }
  let best: Intent | undefined;
  for (const intent of INTENTS) {
    const count = found.get(intent)?.length ?? 0;
    if (count > (best ? found.get(best)!.length : 0)) best = intent;
  }
  if (best) return { intent: best, reasons: found.get(best)! };
  return { intent: negative ? 'complaint' : 'other', reasons: [] };
}
