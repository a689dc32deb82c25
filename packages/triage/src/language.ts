// Which of Parley's languages a message is in: eld's n-gram scores over en/ro/pl, helped by the
// letters only one of them writes, the shop words each lexicon knows, the widget's locale and the
// conversation's language so far.
import { eld } from 'eld/extrasmall';
import { knownWords, lexiconOf } from './lexicon';
import { type Token, tokenise } from './text';

export const LANGUAGES = ['en', 'ro', 'pl'] as const;
export type Language = (typeof LANGUAGES)[number];

eld.setLanguageSubset([...LANGUAGES]);

const OWN_LETTERS: Record<Language, string> = { en: '', ro: 'ăâîșşțţ', pl: 'ąćęłńóśźż' };
const LETTER_WEIGHT = 0.4;
const LOCALE_WEIGHT = 0.15;
const PREVIOUS_WEIGHT = 0.25;
/** Per word the language's own data files know, up to KNOWN_CAP: shop words tell short messages apart. */
const KNOWN_WEIGHT = 0.08;
const KNOWN_CAP = 0.32;

export interface LanguageHints {
  /** The widget's locale (`ro`, `pl-PL`, `en-GB`); anything else is ignored. */
  locale?: string | undefined;
  /** The conversation's language so far (see `conversationLanguage`). */
  previousLanguage?: Language | null | undefined;
}

/** A known language of a locale tag, or null: `languageOf('ro-RO')` → `'ro'`. */
export function languageOf(locale: string | undefined | null): Language | null {
  const code = (locale ?? '').slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(code) ? (code as Language) : null;
}

/**
 * The language of one cleaned message, or null when it has no letters and no hint says.
 * @example detectLanguage('nu a ajuns coletul', {}) // 'ro'
 */
export function detectLanguage(
  cleaned: string,
  hints: LanguageHints,
  tokens: readonly Token[] = tokenise(cleaned),
): Language | null {
  const scores: Record<Language, number> = { en: 0, ro: 0, pl: 0 };
  let evidence = false;
  // eld sees the words only: a run of punctuation costs its separator pattern a backtrack per character.
  const words = tokens.flatMap((token) => (token.kind === 'word' ? [token.text] : [])).join(' ');
  for (const [language, score] of Object.entries(eld.detect(words).getScores())) {
    if (language in scores) {
      scores[language as Language] += score;
      evidence = true;
    }
  }
  const lower = cleaned.toLowerCase();
  for (const language of LANGUAGES) {
    if ([...OWN_LETTERS[language]].some((letter) => lower.includes(letter))) {
      scores[language] += LETTER_WEIGHT;
      evidence = true;
    }
  }
  for (const language of LANGUAGES) {
    scores[language] += Math.min(KNOWN_CAP, KNOWN_WEIGHT * knownWords(tokens, lexiconOf(language)));
  }
  const fromLocale = languageOf(hints.locale);
  if (!evidence) return hints.previousLanguage ?? fromLocale;
  if (fromLocale) scores[fromLocale] += LOCALE_WEIGHT;
  if (hints.previousLanguage) scores[hints.previousLanguage] += PREVIOUS_WEIGHT;
  return LANGUAGES.reduce((best, language) => (scores[language] > scores[best] ? language : best));
}

/**
 * A conversation's language: the first one two of its messages agree on, kept from then on
 * (null until then). Pass the detected languages of its visitor messages, oldest first.
 * @example conversationLanguage(['en', 'ro', 'ro', 'en', 'en']) // 'ro'
 */
export function conversationLanguage(detected: readonly (Language | null | undefined)[]): Language | null {
  const seen = new Set<Language>();
  for (const language of detected) {
    if (!language) continue;
    if (seen.has(language)) return language;
    seen.add(language);
  }
  return null;
}
