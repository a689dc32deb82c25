import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_REDACTIONS,
  luhn,
  type RedactionSettings,
  redact,
  validCnp,
  validIban,
  validPesel,
} from './redact';

const CARDS_ONLY: RedactionSettings = { iban: false, nationalIds: false };
const DOT = '\u2022';

// --- Generators: numbers built with their check digits, and the same with the check broken. ---

const digitsOf = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

const luhnDigit = (body: string) => {
  for (let d = 0; d < 10; d++) if (luhn(body + d)) return d;
  throw new Error('unreachable');
};

const cardDigits = digitsOf(12, 18).map((body) => body + luhnDigit(body));
const notCardDigits = digitsOf(12, 18).chain((body) =>
  fc.integer({ min: 1, max: 9 }).map((shift) => body + ((luhnDigit(body) + shift) % 10)),
);

/** Digits written as people do: in one piece, in fours, or in groups of any size. */
const written = (digits: string) =>
  fc.oneof(
    fc.constant(digits),
    fc.constantFrom(' ', '-', '\u00a0').map((join) => digits.match(/.{1,4}/g)!.join(join)),
    fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 10 }).chain((sizes) =>
      fc.constantFrom(' ', '-').map((join) => {
        const groups: string[] = [];
        let at = 0;
        for (const size of sizes) {
          if (at >= digits.length) break;
          groups.push(digits.slice(at, at + size));
          at += size;
        }
        if (at < digits.length) groups.push(digits.slice(at));
        return groups.join(join);
      }),
    ),
  );

const cnpCheck = (twelve: string) => {
  const weights = '279146358279';
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelve[i]) * Number(weights[i]);
  return sum % 11 === 10 ? 1 : sum % 11;
};
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const cnpBody = fc
  .tuple(
    fc.integer({ min: 1, max: 8 }),
    fc.integer({ min: 0, max: 99 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
    fc.integer({ min: 1, max: 52 }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(
    ([s, yy, mm, dd, county, serial]) => `${s}${pad(yy)}${pad(mm)}${pad(dd)}${pad(county)}${pad(serial, 3)}`,
  );
const cnpDigits = cnpBody.map((body) => body + cnpCheck(body));
const notCnpDigits = fc
  .tuple(cnpBody, fc.integer({ min: 1, max: 9 }))
  .map(([body, shift]) => body + ((cnpCheck(body) + shift) % 10))
  .filter((d) => !validCnp(d) && !luhn(d));

const peselCheck = (ten: string) => {
  const weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(ten[i]) * weights[i]!;
  return (10 - (sum % 10)) % 10;
};
const peselBody = fc
  .tuple(
    fc.integer({ min: 0, max: 99 }),
    fc.integer({ min: 1, max: 12 }),
    fc.constantFrom(0, 20, 40, 60, 80),
    fc.integer({ min: 1, max: 28 }),
    fc.integer({ min: 0, max: 9999 }),
  )
  .map(([yy, mm, century, dd, serial]) => `${pad(yy)}${pad(mm + century)}${pad(dd)}${pad(serial, 4)}`);
const peselDigits = peselBody.map((body) => body + peselCheck(body));
const notPeselDigits = fc
  .tuple(peselBody, fc.integer({ min: 1, max: 9 }))
  .map(([body, shift]) => body + ((peselCheck(body) + shift) % 10));

const IBAN_COUNTRIES = { RO: 24, PL: 28, DE: 22, GB: 22, FR: 27, NL: 18, NO: 15, MT: 31, LC: 32 } as const;
const alnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const mod97 = (s: string) => {
  let rest = 0;
  for (const ch of s) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest;
};
const ibanParts = fc
  .constantFrom(...Object.entries(IBAN_COUNTRIES))
  .chain(([country, length]) =>
    fc
      .array(alnum, { minLength: length - 4, maxLength: length - 4 })
      .map((bban) => ({ country, bban: bban.join('') })),
  );
const ibanOf = (country: string, check: number, bban: string) => `${country}${pad(check)}${bban}`;
const ibans = ibanParts.map(({ country, bban }) => ibanOf(country, 98 - mod97(`${bban}${country}00`), bban));
const notIbans = fc
  .tuple(ibanParts, fc.integer({ min: 0, max: 99 }))
  .map(([{ country, bban }, check]) => ibanOf(country, check, bban))
  .filter((iban) => !validIban(iban));
const writtenIban = (compact: string) =>
  fc.oneof(
    fc.constant(compact),
    fc.constant(compact.match(/.{1,4}/g)!.join(' ')),
    fc.constant(compact.toLowerCase()),
  );

// --- Text around the numbers: Romanian, Polish and English, with and without diacritics. ---

const WORDS = [
  'Bună',
  'ziua',
  'Buna',
  'plătesc',
  'platesc',
  'cardul',
  'meu',
  'este',
  'și',
  'si',
  'mulțumesc',
  'multumesc',
  'Dzień',
  'dobry',
  'Dzien',
  'płacę',
  'place',
  'kartą',
  'karta',
  'numer',
  'dziękuję',
  'dziekuje',
  'żółć',
  'zolc',
  'Hello',
  'my',
  'card',
  'is',
  'thanks',
  'IBAN',
  'CNP',
  'PESEL',
  'nr.',
  '12',
  '2024',
  '07',
  '€',
  '😀',
  'ÎȘȚĂÂ',
  'ŁÓŚŹŻ',
];
const words = fc
  .array(
    fc.oneof(
      fc.constantFrom(...WORDS),
      fc.string({ maxLength: 3 }).filter((s) => !/[\p{L}\p{N}]/u.test(s)),
    ),
    {
      maxLength: 12,
    },
  )
  .map((w) => w.join(' '));
/** What stands between the text and a number: never a lone space or dash a digit run could cross. */
const joiner = fc.constantFrom(': ', ' — ', '\n', ' (', ') ', '. ', ', ', ' „', '” ');

/** A number inside text: the text, and what the number is written as. */
const inText = <T>(numbers: fc.Arbitrary<T>) =>
  fc.record({ before: words, open: joiner, number: numbers, close: joiner, after: words });

const cardMask = (digits: string) => `${DOT.repeat(4)} ${DOT.repeat(4)} ${DOT.repeat(4)} ${digits.slice(-4)}`;

describe('redact', () => {
  it('masks the examples in the module header', () => {
    expect(redact('4242 4242 4242 4242', CARDS_ONLY).text).toBe(cardMask('4242'));
    expect(redact('RO49 AAAA 1B31 0075 9384 0000', ALL_REDACTIONS).text).toBe(
      `RO${DOT.repeat(2)} ${DOT.repeat(4)} ${DOT.repeat(4)} 0000`,
    );
    expect(redact('2960523460034', ALL_REDACTIONS).text).toBe(`${DOT.repeat(9)}0034`);
    expect(redact('44051401359', ALL_REDACTIONS).text).toBe(`${DOT.repeat(7)}1359`);
    expect(validCnp('2960523460034')).toBe(true);
    expect(validPesel('44051401359')).toBe(true);
    expect(validIban('RO49AAAA1B31007593840000')).toBe(true);
    expect(validIban('PL61109010140000071219812874')).toBe(true);
  });

  it('keeps IBANs and national ids where the site does not ask for them', () => {
    expect(redact('RO49 AAAA 1B31 0075 9384 0000 și 2960523460034', CARDS_ONLY)).toEqual({
      text: 'RO49 AAAA 1B31 0075 9384 0000 și 2960523460034',
      kinds: [],
    });
    expect(
      redact('IBAN PL61 1090 1014 0000 0712 1981 2874, PESEL 44051401359', {
        iban: true,
        nationalIds: false,
      }),
    ).toEqual({
      text: `IBAN PL${DOT.repeat(2)} ${DOT.repeat(4)} ${DOT.repeat(4)} 2874, PESEL 44051401359`,
      kinds: ['iban'],
    });
  });

  it('judges a run of digits whole, and never one written against a word', () => {
    // A phone number and a card in one run: neither is a card.
    expect(redact('0722 123 456 4242 4242 4242 4242', CARDS_ONLY).kinds).toEqual([]);
    expect(redact('ref4242424242424242', CARDS_ONLY).kinds).toEqual([]);
    expect(redact('4242424242424242x', CARDS_ONLY).kinds).toEqual([]);
    expect(redact('nr.4242-4242-4242-4242!', CARDS_ONLY).text).toBe(`nr.${cardMask('4242')}!`);
    expect(redact('4242424242424242 și 5555 5555 5555 4444', CARDS_ONLY)).toEqual({
      text: `${cardMask('4242')} și ${cardMask('4444')}`,
      kinds: ['card'],
    });
    // Two separators in a row end a run.
    expect(redact('4242 4242  4242 4242', CARDS_ONLY).kinds).toEqual([]);
  });

  it('leaves an IBAN-shaped run whole when its checksum fails', () => {
    // The card-shaped groups inside a broken IBAN are part of it, not a card.
    const broken = 'GB00 WEST 4242 4242 4242 42';
    expect(redact(broken, ALL_REDACTIONS)).toEqual({ text: broken, kinds: [] });
  });

  it('is linear: a long hostile text is scanned in one pass', () => {
    const hostile = [
      '1 '.repeat(500_000),
      '9'.repeat(1_000_000),
      'RO49 '.repeat(200_000),
      '4-'.repeat(500_000),
      'a1'.repeat(500_000),
    ];
    for (const text of hostile) expect(redact(text, ALL_REDACTIONS).text.length).toBe(text.length);
  });

  it('masks every valid card, IBAN, CNP and PESEL in text and leaves the text around it as it was', () => {
    const valid = fc.oneof(
      cardDigits.chain((d) => written(d).map((w) => ({ w, digits: d, kind: 'card' as const }))),
      cnpDigits.chain((d) => written(d).map((w) => ({ w, digits: d, kind: 'cnp' as const }))),
      peselDigits.chain((d) => written(d).map((w) => ({ w, digits: d, kind: 'pesel' as const }))),
      ibans.chain((d) => writtenIban(d).map((w) => ({ w, digits: d, kind: 'iban' as const }))),
    );
    fc.assert(
      fc.property(inText(valid), ({ before, open, number, close, after }) => {
        const { w, digits, kind } = number;
        const mask =
          kind === 'iban'
            ? `${digits.slice(0, 2)}${DOT.repeat(2)} ${DOT.repeat(4)} ${DOT.repeat(4)} ${digits.slice(-4)}`
            : luhn(digits) && digits.length >= 13
              ? cardMask(digits)
              : DOT.repeat(digits.length - 4) + digits.slice(-4);
        const result = redact(`${before}${open}${w}${close}${after}`, ALL_REDACTIONS);
        expect(result.text).toBe(`${before}${open}${mask}${close}${after}`);
        expect(result.kinds.length).toBe(1);
        // Masked text has nothing left to mask.
        expect(redact(result.text, ALL_REDACTIONS)).toEqual({ text: result.text, kinds: [] });
      }),
      { numRuns: 2_000 },
    );
  });

  it('always masks a card, whatever the site settings', () => {
    fc.assert(
      fc.property(inText(cardDigits.chain(written)), ({ before, open, number, close, after }) => {
        const result = redact(`${before}${open}${number}${close}${after}`, CARDS_ONLY);
        expect(result.kinds).toEqual(['card']);
        expect(result.text).not.toContain(number);
      }),
    );
  });

  it('never masks a number whose check fails', () => {
    const invalid = fc.oneof(
      notCardDigits.chain(written).map((w) => ({ w, settings: CARDS_ONLY })),
      notCnpDigits.chain(written).map((w) => ({ w, settings: ALL_REDACTIONS })),
      notPeselDigits.chain(written).map((w) => ({ w, settings: ALL_REDACTIONS })),
      notIbans.chain(writtenIban).map((w) => ({ w, settings: ALL_REDACTIONS })),
    );
    fc.assert(
      fc.property(inText(invalid), ({ before, open, number, close, after }) => {
        const text = `${before}${open}${number.w}${close}${after}`;
        expect(redact(text, number.settings)).toEqual({ text, kinds: [] });
      }),
      { numRuns: 2_000 },
    );
  });

  it('never changes text without a number', () => {
    fc.assert(
      fc.property(
        fc.oneof(words, fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 })),
        (text) => {
          const result = redact(text, ALL_REDACTIONS);
          if (result.kinds.length === 0) expect(result.text).toBe(text);
          else expect(result.text).not.toBe(text);
        },
      ),
    );
  });
});
