// One message in, its language, mood and intent out: the package's entry point.
import { detectIntent } from './intent';
import { detectLanguage, LANGUAGES, type Language, type LanguageHints } from './language';
import { type Intent, lexiconOf } from './lexicon';
import { type Sentiment, scoreSentiment } from './sentiment';
import { clean, tokenise, upperShare } from './text';

export interface Triage {
  /** Null when the message has no letters and no hint names a language. */
  language: Language | null;
  sentiment: Sentiment;
  score: number;
  /** The words and rules that decided the sentiment, as the data files write them. */
  reasons: string[];
  intent: Intent;
  /** The terms that decided the intent. */
  intentReasons: string[];
}

/**
 * Triages one message. Only its first MAX_INPUT characters are read. The language's own lexicon
 * decides; when it finds nothing (a message in another language, an emoji), the other two are tried.
 * @example analyse('E prea scump și coletul a întârziat', { locale: 'ro' })
 * // { language: 'ro', sentiment: 'negative', score: -5, reasons: ['prea + scump', 'întârziat'], intent: 'delivery', … }
 */
export function analyse(text: string, hints: LanguageHints = {}): Triage {
  const cleaned = clean(text);
  const tokens = tokenise(cleaned);
  const upper = upperShare(cleaned);
  const language = detectLanguage(cleaned, hints, tokens);
  const order = [language ?? 'en', ...LANGUAGES.filter((other) => other !== (language ?? 'en'))];

  let mood = scoreSentiment(tokens, lexiconOf(order[0]!), upper);
  for (const other of order.slice(1)) {
    if (mood.reasons.length > 0) break;
    mood = scoreSentiment(tokens, lexiconOf(other), upper);
  }
  const negative = mood.sentiment === 'negative';
  let intent = detectIntent(tokens, lexiconOf(order[0]!), negative);
  for (const other of order.slice(1)) {
    if (intent.reasons.length > 0) break;
    intent = detectIntent(tokens, lexiconOf(other), negative);
  }
  return { language, ...mood, intent: intent.intent, intentReasons: intent.reasons };
}
