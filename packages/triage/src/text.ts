// Turns untrusted text into the folded tokens every rule matches on: bounded first, then made
// well-formed, stripped of invisible format characters, diacritics and case.

/** Characters of a message the analyser reads; the rest is ignored before any pattern runs. */
export const MAX_INPUT = 2_000;

export interface Token {
  /** As written, in lower case: what a reason shows. */
  text: string;
  /** Lower case, no diacritics (`mulțumesc` → `multumesc`, `łaska` → `laska`). */
  folded: string;
  kind: 'word' | 'emoji' | 'punctuation';
}

// Letters NFKD leaves whole: they have no decomposition, only a look-alike base letter.
const BASE: Record<string, string> = { ł: 'l', đ: 'd', ø: 'o', ß: 'ss', ı: 'i', æ: 'ae', œ: 'oe' };

/** The bounded, well-formed, visible text: lone surrogates become U+FFFD, format characters go. */
export function clean(text: string): string {
  return text
    .slice(0, MAX_INPUT)
    .toWellFormed()
    .replace(/\p{Cf}/gu, '');
}

/** Folds one cleaned string: NFKD, combining marks dropped, lower case, the letters NFKD keeps mapped. */
export function fold(text: string): string {
  let folded = '';
  // An apostrophe joins its word: `hasn't` is written `hasnt` as often as not.
  for (const char of text
    .normalize('NFKD')
    .replace(/\p{M}|['’ʼ]/gu, '')
    .toLowerCase()) {
    folded += BASE[char] ?? char;
  }
  return folded;
}

/** Words, emoji (and `:)`-style faces), and runs of punctuation that end a clause. */
export function tokenise(cleaned: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /[\p{L}\p{M}\p{N}'’ʼ]+|\p{Extended_Pictographic}|[:;]-?[()dDpP]|[.,;:!?]+/gu;
  for (const [match] of cleaned.normalize('NFC').matchAll(pattern)) {
    const folded = fold(match);
    if (folded !== '') tokens.push({ text: match.toLowerCase(), folded, kind: kindOf(folded) });
  }
  return tokens;
}

function kindOf(match: string): Token['kind'] {
  if (/^[.,;:!?]+$/.test(match)) return 'punctuation';
  if (/^[:;]/.test(match) || /\p{Extended_Pictographic}/u.test(match)) return 'emoji';
  return 'word';
}

/** Share of letters in upper case, when there are enough letters to tell (else 0). */
export function upperShare(cleaned: string): number {
  let upper = 0;
  let letters = 0;
  for (const char of cleaned) {
    const lower = char.toLowerCase();
    const higher = char.toUpperCase();
    if (lower === higher) continue;
    letters++;
    if (char === higher) upper++;
  }
  return letters >= 8 ? upper / letters : 0;
}
