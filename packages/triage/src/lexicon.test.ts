import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, render } from '../scripts/build-data';
import { DATA_FILES } from './data.generated';
import { LANGUAGES } from './language';
import { buildLexicon, lexiconOf } from './lexicon';

describe('the data files', () => {
  it('are what data.generated.ts holds (run pnpm --filter @parley/triage data after an edit)', () => {
    expect(readFileSync(GENERATED, 'utf8')).toBe(render());
  });

  it.each(LANGUAGES)('%s has each kind of entry and no term twice', (language) => {
    const { entries } = lexiconOf(language);
    for (const kind of ['sentiment', 'negator', 'intensifier', 'contrast', 'intent']) {
      expect(entries.some((entry) => entry.kind === kind)).toBe(true);
    }
    const keys = entries.map(
      (e) =>
        `${e.kind === 'intent' ? 'intent' : 'mood'} ${e.parts.map((p) => p.text + (p.prefix ? '*' : '')).join(' ')}`,
    );
    expect(keys.filter((key, k) => keys.indexOf(key) !== k)).toEqual([]);
  });

  const files = (extra: Record<string, string>) => ({ ...DATA_FILES, ...extra });

  it('refuses a row it cannot read, naming the file and the term', () => {
    expect(() => buildLexicon('en', files({ 'en/sentiment.tsv': 'scam\tvery bad\n' }))).toThrow(
      'en/sentiment.tsv "scam": "very bad" is not a whole number',
    );
    expect(() => buildLexicon('en', files({ 'en/modifiers.tsv': 'negater\tnot\n' }))).toThrow(
      'unknown kind negater',
    );
    expect(() => buildLexicon('en', files({ 'en/intent.tsv': 'shipping\tcourier\n' }))).toThrow(
      'unknown intent',
    );
    expect(() => buildLexicon('en', files({ 'en/sentiment.tsv': 'ab*\t-1\n' }))).toThrow('three letters');
    expect(() => buildLexicon('ro', { 'ro/suffixes.tsv': '' })).toThrow('ro/sentiment.tsv is missing');
  });

  it('skips comments and blank lines, and reads a phrase, a prefix and an exact word', () => {
    const lexicon = buildLexicon(
      'en',
      files({
        'en/sentiment.tsv':
          '# a comment\n\nstill hasnt arrived\t-3\ndisappoint*\t-3\n=good\t1\tnot\n'.replace('\tnot', ''),
      }),
    );
    const sentiment = lexicon.entries.filter(
      (e) => e.kind === 'sentiment' && !/\p{Extended_Pictographic}|[:;]/u.test(e.display),
    );
    expect(sentiment.map((e) => e.display)).toEqual(['still hasnt arrived', 'disappoint', 'good']);
    expect(sentiment.map((e) => e.parts.length)).toEqual([3, 1, 1]);
    expect(sentiment[1]?.parts[0]).toMatchObject({ text: 'disappoint', prefix: true });
    expect(sentiment[2]?.parts[0]).toMatchObject({ text: 'good', exact: true });
  });
});
