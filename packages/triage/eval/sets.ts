// The labelled evaluation sets: one message per line, `language<TAB>sentiment<TAB>text`.
import { readFileSync } from 'node:fs';
import type { Language, Sentiment } from '../src/index';

export interface Sample {
  language: Language;
  sentiment: Sentiment;
  text: string;
}

export function readSet(name: 'dev' | 'held-out'): Sample[] {
  return readFileSync(new URL(`./${name}.tsv`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [language, sentiment, text] = line.split('\t') as [Language, Sentiment, string];
      return { language, sentiment, text };
    });
}
