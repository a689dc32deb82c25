// The mood of one message from its lexicon's words and phrases, turned by negators ("nu", "nie",
// "not"), strengthened by intensifiers ("foarte", "bardzo", "at all"), with every step kept as a reason.
import { type Entry, type Lexicon, longestAt, shown } from './lexicon';
import type { Token } from './text';

export type Sentiment = 'negative' | 'neutral' | 'positive';

export interface SentimentResult {
  sentiment: Sentiment;
  score: number;
  /** The words and rules that decided it, in the order they were read. */
  reasons: string[];
}

/** How many words after a negator (or an intensifier) it still governs, inside its clause. */
const REACH = 3;
/** Messages mostly in capitals of at least this many letters are shouted. */
export const SHOUTING = 0.8;

interface Hit {
  value: number;
  reason: string;
  boosted: boolean;
}

/** The sentiment of a tokenised message; `upper` is its share of capital letters. */
export function scoreSentiment(tokens: readonly Token[], lexicon: Lexicon, upper: number): SentimentResult {
  const hits: Hit[] = [];
  let clause: Hit[] = [];
  let negator: { entry: Entry; end: number } | undefined;
  let intensifier: { entry: Entry; end: number } | undefined;

  const endClause = () => {
    const last = clause.at(-1);
    if (intensifier && last && !last.boosted) boost(last, intensifier.entry, true);
    clause = [];
    negator = undefined;
    intensifier = undefined;
  };

  for (let at = 0; at < tokens.length; ) {
    const token = tokens[at]!;
    if (token.kind === 'punctuation') {
      if (token.folded.split('?').length > 2) hits.push({ value: -1, reason: '??', boosted: false });
      endClause();
      at++;
      continue;
    }
    const entry = longestAt(tokens, at, lexicon, (e) => e.kind !== 'intent');
    const start = at;
    at += entry ? entry.parts.length : 1;
    if (!entry) continue;
    if (entry.kind === 'negator') negator = { entry, end: at };
    else if (entry.kind === 'intensifier') intensifier = { entry, end: at };
    else if (entry.kind === 'contrast') endClause();
    else {
      const negated = negator && start - negator.end < REACH && !entry.selfNegated;
      const hit = read(entry, tokens.slice(start, at), negated ? negator?.entry : undefined);
      if (hit.value === 0) continue;
      if (negated) negator = undefined;
      if (intensifier && start - intensifier.end < REACH) {
        boost(hit, intensifier.entry, false);
        intensifier = undefined;
      }
      hits.push(hit);
      clause.push(hit);
    }
  }
  endClause();

  let score = hits.reduce((sum, hit) => sum + hit.value, 0);
  const negative = hits.some((hit) => hit.value < 0);
  const reasons = [...new Set(hits.map((hit) => hit.reason))];
  if (negative && score <= 0 && upper >= SHOUTING) {
    score -= 1;
    reasons.push('ALL CAPS');
  }
  const sentiment: Sentiment = negative && score <= 0 ? 'negative' : score > 0 ? 'positive' : 'neutral';
  return { sentiment, score, reasons };
}

/** A negated negative is mildly good ("not bad"); a negated positive is as bad as it was good. */
function read(entry: Entry, words: readonly Token[], negator: Entry | undefined): Hit {
  const term = shown(entry, words);
  if (!negator) return { value: entry.score, reason: term, boosted: false };
  const value = entry.negated ?? (entry.score > 0 ? -entry.score : entry.score < 0 ? 1 : 0);
  return { value, reason: `${negator.display} + ${term}`, boosted: false };
}

function boost(hit: Hit, intensifier: Entry, after: boolean): void {
  hit.value += Math.sign(hit.value);
  hit.reason = after ? `${hit.reason} + ${intensifier.display}` : `${intensifier.display} + ${hit.reason}`;
  hit.boosted = true;
}
