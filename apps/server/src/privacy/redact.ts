// Masks card numbers, IBANs and national identity numbers (Romanian CNP, Polish PESEL) in text
// before it is stored or sent on. One left-to-right pass with no regular expression: each
// candidate is read at most once and checked by its checksum, so the cost is linear in the text.
//
// What counts as a number:
// - a digit run: digits in groups joined by one space, no-break space or dash, with no letter or
//   digit directly against it on either side; the run is judged whole ("0722 123 456" is one
//   phone number, not a part of a card);
//   - a card: 13 to 19 digits passing the Luhn check (always masked);
//   - a CNP: 13 digits, a valid month and day, passing its 279146358279 check digit;
//   - a PESEL: 11 digits, a valid (century-coded) month and day, passing its 1379 check digit;
// - an IBAN: a known country code, two check digits and that country's length of letters and
//   digits (in groups of any size joined by one space, or none), passing ISO 13616 mod 97. An
//   IBAN-shaped run whose checksum fails, or whose site keeps IBANs, is left whole: its groups
//   are not searched for cards.
//
// What a mask shows: the last four characters only, in a shape that says what was there.
// - card     4242 4242 4242 4242          → •••• •••• •••• 4242
// - IBAN     RO49 AAAA 1B31 0075 9384 0000 → RO•• •••• •••• 0000 (the country is no secret)
// - CNP      2960523460034                 → •••••••••0034
// - PESEL    44051401359                   → •••••••1359
// A mask never matches again: redacting redacted text changes nothing.

import type { RedactionKind, SiteRedaction } from '@parley/protocol';

/** A site's switches: cards are always masked, IBANs and national ids when the site says so. */
export type RedactionSettings = SiteRedaction;

export const ALL_REDACTIONS: RedactionSettings = { iban: true, nationalIds: true };

export interface Redacted {
  text: string;
  /** What was masked, each kind once, in the order first met; empty when the text is unchanged. */
  kinds: RedactionKind[];
}

const DOT = '\u2022';

/** IBAN lengths by country (ISO 13616 registry). */
// biome-ignore format: a table reads better in rows
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Any letter, in any script: a number written against a word is part of that word. */
const isLetter = (ch: string) => ch.toLowerCase() !== ch.toUpperCase();
const isWordChar = (text: string, i: number) =>
  i >= 0 && i < text.length && (isDigit(text.charCodeAt(i)) || isLetter(text[i]!));
const isGroupJoin = (c: number) => c === 32 || c === 0xa0 || c === 45;

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const validDay = (month: number, day: number) => month >= 1 && month <= 12 && day >= 1 && day <= 31;
const number = (digits: string, from: number, to: number) => Number(digits.slice(from, to));

/** Romanian CNP: S YYMMDD JJ NNN C, C from the weights 279146358279 (a remainder of 10 is 1). */
export function validCnp(digits: string): boolean {
  if (digits.length !== 13 || digits[0] === '0') return false;
  if (!validDay(number(digits, 3, 5), number(digits, 5, 7))) return false;
  const weights = '279146358279';
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (digits.charCodeAt(i) - 48) * (weights.charCodeAt(i) - 48);
  const check = sum % 11 === 10 ? 1 : sum % 11;
  return check === digits.charCodeAt(12) - 48;
}

/** Polish PESEL: YYMMDD ZZZX Q, the month plus 20, 40, 60 or 80 for other centuries, Q from 1379. */
export function validPesel(digits: string): boolean {
  if (digits.length !== 11) return false;
  if (!validDay(number(digits, 2, 4) % 20, number(digits, 4, 6))) return false;
  const weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (digits.charCodeAt(i) - 48) * weights[i]!;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(10) - 48;
}

/** ISO 13616: the first four characters moved to the end, letters as 10–35, mod 97 is 1. */
export function validIban(compact: string): boolean {
  const moved = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    if (isDigit(c)) rest = (rest * 10 + (c - 48)) % 97;
    else rest = (rest * 100 + ((c | 32) - 97 + 10)) % 97;
  }
  return rest === 1;
}

/** The end of a digit run starting at `start`, and its digits (only the first 20 are kept). */
function readDigitRun(text: string, start: number): { end: number; digits: string; count: number } {
  let i = start;
  let digits = '';
  let count = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      if (count < 20) digits += text[i];
      count++;
      i++;
    } else if (isGroupJoin(c) && i + 1 < text.length && isDigit(text.charCodeAt(i + 1))) {
      i++;
    } else break;
  }
  return { end: i, digits, count };
}

/**
 * An IBAN-shaped run at `start` (country, check digits, the country's length in letters and
 * digits, groups joined by single spaces, nothing alphanumeric after): its end and characters.
 */
function readIban(text: string, start: number): { end: number; compact: string } | null {
  const c0 = text.charCodeAt(start);
  const c1 = text.charCodeAt(start + 1);
  if (!isAsciiLetter(c0) || !isAsciiLetter(c1)) return null;
  if (!isDigit(text.charCodeAt(start + 2)) || !isDigit(text.charCodeAt(start + 3))) return null;
  const length = IBAN_LENGTHS[text.slice(start, start + 2).toUpperCase()];
  if (length === undefined) return null;
  let compact = '';
  let i = start;
  while (compact.length < length && i < text.length) {
    const c = text.charCodeAt(i);
    if (isDigit(c) || isAsciiLetter(c)) {
      compact += text[i];
      i++;
    } else if ((c === 32 || c === 0xa0) && compact.length >= 4 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (!isDigit(next) && !isAsciiLetter(next)) return null;
      i++;
    } else return null;
  }
  if (compact.length < length || isWordChar(text, i)) return null;
  return { end: i, compact: compact.toUpperCase() };
}

const last4 = (s: string) => s.slice(-4);

function digitRunKind(digits: string, count: number, settings: RedactionSettings): RedactionKind | null {
  if (count >= 13 && count <= 19 && luhn(digits)) return 'card';
  if (settings.nationalIds && ((count === 13 && validCnp(digits)) || (count === 11 && validPesel(digits)))) {
    return 'national_id';
  }
  return null;
}

function maskDigits(kind: RedactionKind, digits: string): string {
  return kind === 'card'
    ? `${DOT.repeat(4)} ${DOT.repeat(4)} ${DOT.repeat(4)} ${last4(digits)}`
    : DOT.repeat(digits.length - 4) + last4(digits);
}

const maskIban = (compact: string) =>
  `${compact.slice(0, 2)}${DOT.repeat(2)} ${DOT.repeat(4)} ${DOT.repeat(4)} ${last4(compact)}`;

/**
 * The text with every card number masked, and IBANs and national ids too where `settings` say.
 * @example redact('card 4242 4242 4242 4242, thanks', ALL_REDACTIONS).text // 'card •••• •••• •••• 4242, thanks'
 */
export function redact(text: string, settings: RedactionSettings): Redacted {
  const kinds: RedactionKind[] = [];
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  const replace = (start: number, end: number, mask: string, kind: RedactionKind) => {
    parts.push(text.slice(copied, start), mask);
    copied = end;
    if (!kinds.includes(kind)) kinds.push(kind);
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const atBoundary = !isWordChar(text, i - 1);
    if (atBoundary && isAsciiLetter(c)) {
      const iban = readIban(text, i);
      if (iban) {
        if (settings.iban && validIban(iban.compact)) replace(i, iban.end, maskIban(iban.compact), 'iban');
        i = iban.end;
        continue;
      }
    }
    if (isDigit(c)) {
      const run = readDigitRun(text, i);
      const kind =
        atBoundary && !isWordChar(text, run.end) ? digitRunKind(run.digits, run.count, settings) : null;
      if (kind) replace(i, run.end, maskDigits(kind, run.digits), kind);
      i = run.end;
      continue;
    }
    i++;
  }
  if (kinds.length === 0) return { text, kinds };
  parts.push(text.slice(copied));
  return { text: parts.join(''), kinds };
}
