// The package's data files (data/<language>/*.tsv, data/emoji.tsv) parsed into one index per
// language, and the longest-match lookup every rule uses. Matching is on folded, lightly stemmed
// tokens: `multumesc` meets `mulțumesc`, `refunded` meets `refund`.
import { DATA_FILES } from './data.generated';
import type { Language } from './language';
import { fold, type Token, tokenise } from './text';

export type Kind = 'sentiment' | 'negator' | 'intensifier' | 'contrast';
export const INTENTS = [
  'complaint',
  'delivery',
  'refund',
  'payment',
  'order-status',
  'discount',
  'account',
  'product',
  'other',
] as const;
/** What a message is about; earlier in INTENTS wins a tie. */
export type Intent = (typeof INTENTS)[number];

export interface Part {
  text: string;
  /** `dezamăgi*`: any word that starts so. */
  prefix: boolean;
  /** `=bun`: that word only, not stemmed (so `bună`, hello, is not `bun`, good). */
  exact: boolean;
}

export interface Entry {
  /** The term as its data file writes it, diacritics and all: what reasons show. */
  display: string;
  parts: Part[];
  kind: Kind | 'intent';
  score: number;
  /** The score when a negator governs it; by default a negated positive turns negative. */
  negated: number | undefined;
  /** A phrase that opens with a negator ("nicio reclamație") carries its own negation. */
  selfNegated: boolean;
  intent: Intent | undefined;
}

export interface Lexicon {
  suffixes: string[];
  /** Entries by the first three letters of their first word, longest first. */
  buckets: Map<string, Entry[]>;
  entries: Entry[];
}

const KINDS: readonly string[] = ['negator', 'intensifier', 'contrast'];

type Files = Readonly<Record<string, string>>;

function rows(files: Files, name: string): string[][] {
  const text = files[name];
  if (text === undefined) throw new Error(`triage data file ${name} is missing`);
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
}

function number(value: string | undefined, where: string): number {
  const parsed = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(parsed)) {
    throw new Error(`triage data ${where}: "${value}" is not a whole number`);
  }
  return parsed;
}

function parts(term: string, where: string): Part[] {
  return term
    .split(' ')
    .filter(Boolean)
    .flatMap((piece) => {
      const prefix = piece.endsWith('*');
      const exact = piece.startsWith('=');
      const words = tokenise(piece.slice(exact ? 1 : 0, prefix ? -1 : undefined)).filter(
        (t) => t.kind !== 'punctuation',
      );
      if (prefix && (words.at(-1)?.folded.length ?? 0) < 3) {
        throw new Error(`triage data ${where}: a prefix needs three letters`);
      }
      return words.map((word, k) => ({
        text: word.folded,
        prefix: prefix && k === words.length - 1,
        exact: exact && k === 0,
      }));
    });
}

export function stem(word: string, suffixes: readonly string[]): string {
  for (const suffix of suffixes) {
    if (word.length - suffix.length >= 3 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

/** The index of one language: its sentiment words and phrases, modifiers, intent rules and the emoji. */
export function buildLexicon(language: Language, files: Files = DATA_FILES): Lexicon {
  const suffixes = rows(files, `${language}/suffixes.tsv`)
    .map(([suffix]) => fold(suffix ?? ''))
    .sort((a, b) => b.length - a.length);
  const entries: Entry[] = [];
  const add = (term: string, where: string, entry: Omit<Entry, 'display' | 'parts' | 'selfNegated'>) => {
    const found = parts(term, where);
    if (found.length === 0) throw new Error(`triage data ${where}: empty term`);
    entries.push({
      display: term.replace(/[*=]/g, ''),
      parts: found.map((part) =>
        part.prefix || part.exact ? part : { ...part, text: stem(part.text, suffixes) },
      ),
      ...entry,
      selfNegated: false,
    });
  };
  for (const file of [`${language}/sentiment.tsv`, 'emoji.tsv']) {
    for (const [term = '', score, negated] of rows(files, file)) {
      const where = `${file} "${term}"`;
      add(term, where, {
        kind: 'sentiment',
        score: number(score, where),
        negated: negated === undefined || negated === '' ? undefined : number(negated, where),
        intent: undefined,
      });
    }
  }
  for (const [kind = '', term = ''] of rows(files, `${language}/modifiers.tsv`)) {
    const where = `${language}/modifiers.tsv "${term}"`;
    if (!KINDS.includes(kind)) throw new Error(`triage data ${where}: unknown kind ${kind}`);
    add(term, where, { kind: kind as Kind, score: 0, negated: undefined, intent: undefined });
  }
  for (const [intent = '', term = ''] of rows(files, `${language}/intent.tsv`)) {
    const where = `${language}/intent.tsv "${term}"`;
    if (!(INTENTS as readonly string[]).includes(intent) || intent === 'other') {
      throw new Error(`triage data ${where}: unknown intent ${intent}`);
    }
    add(term, where, { kind: 'intent', score: 0, negated: undefined, intent: intent as Intent });
  }
  const negators = new Set(entries.filter((e) => e.kind === 'negator').map((e) => e.parts[0]!.text));
  for (const entry of entries)
    entry.selfNegated = entry.parts.length > 1 && negators.has(entry.parts[0]!.text);
  const buckets = new Map<string, Entry[]>();
  for (const entry of entries) {
    const key = entry.parts[0]!.text.slice(0, 3);
    buckets.set(key, [...(buckets.get(key) ?? []), entry]);
  }
  for (const bucket of buckets.values()) bucket.sort((a, b) => b.parts.length - a.parts.length);
  return { suffixes, buckets, entries };
}

function fits(part: Part, token: Token | undefined, lexicon: Lexicon): boolean {
  if (!token || token.kind === 'punctuation') return false;
  if (part.prefix) return token.folded.startsWith(part.text);
  if (part.exact) return token.folded === part.text;
  return stem(token.folded, lexicon.suffixes) === part.text;
}

/** The longest entry of the wanted kinds that starts at token `at`, if any. */
export function longestAt(
  tokens: readonly Token[],
  at: number,
  lexicon: Lexicon,
  wanted: (entry: Entry) => boolean,
): Entry | undefined {
  const token = tokens[at];
  if (!token || token.kind === 'punctuation') return undefined;
  for (const entry of lexicon.buckets.get(token.folded.slice(0, 3)) ?? []) {
    if (wanted(entry) && entry.parts.every((part, k) => fits(part, tokens[at + k], lexicon))) return entry;
  }
  return undefined;
}

/** How a reason shows an entry: a prefix entry ("întârzi*") as the message wrote it ("întârziat"). */
export function shown(entry: Entry, words: readonly Token[]): string {
  return entry.parts.some((part) => part.prefix) ? words.map((word) => word.text).join(' ') : entry.display;
}

const built = new Map<Language, Lexicon>();

/** The language's index, built on first use and kept. */
export function lexiconOf(language: Language): Lexicon {
  let lexicon = built.get(language);
  if (!lexicon) {
    lexicon = buildLexicon(language);
    built.set(language, lexicon);
  }
  return lexicon;
}

/** How many of the message's words the language's data files know (a hint of its language). */
export function knownWords(tokens: readonly Token[], lexicon: Lexicon): number {
  let known = 0;
  for (let at = 0; at < tokens.length; ) {
    const entry = tokens[at]!.kind === 'word' ? longestAt(tokens, at, lexicon, () => true) : undefined;
    at += entry ? entry.parts.length : 1;
    if (entry) known += entry.parts.length;
  }
  return known;
}
