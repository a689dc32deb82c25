// Accuracy of the analyser on the labelled sets: per language, precision and recall of the
// negative class, overall accuracy, and language detection on messages of three words or more.
// Last line: one JSON object of the held-out figures. `--misses` lists the dev set's misses, to
// tune on; the held-out set's are never printed (the lexicons are not tuned on it).
// Run: pnpm triage:eval
import { analyse, LANGUAGES, type Language } from '../src/index';
import { readSet, type Sample } from './sets';

interface Figures {
  messages: number;
  negRecall: number;
  negPrecision: number;
  accuracy: number;
  languageAccuracy: number;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const ratio = (part: number, whole: number) => round(whole === 0 ? 1 : part / whole);

function measure(samples: Sample[], misses: string[] | undefined): Record<Language, Figures> {
  const figures = {} as Record<Language, Figures>;
  for (const language of LANGUAGES) {
    let truePositive = 0;
    let predicted = 0;
    let actual = 0;
    let right = 0;
    let long = 0;
    let detected = 0;
    const own = samples.filter((sample) => sample.language === language);
    for (const sample of own) {
      const result = analyse(sample.text);
      if (result.sentiment === 'negative') predicted++;
      if (sample.sentiment === 'negative') actual++;
      if (result.sentiment === 'negative' && sample.sentiment === 'negative') truePositive++;
      if (result.sentiment === sample.sentiment) right++;
      else
        misses?.push(
          `${language} ${sample.sentiment} → ${result.sentiment} ${JSON.stringify(result.reasons)}: ${sample.text}`,
        );
      if (sample.text.split(/\s+/).filter(Boolean).length >= 3) {
        long++;
        if (result.language === language) detected++;
        else misses?.push(`${language} detected as ${result.language}: ${sample.text}`);
      }
    }
    figures[language] = {
      messages: own.length,
      negRecall: ratio(truePositive, actual),
      negPrecision: ratio(truePositive, predicted),
      accuracy: ratio(right, own.length),
      languageAccuracy: ratio(detected, long),
    };
  }
  return figures;
}

function print(name: string, figures: Record<Language, Figures>): void {
  console.log(`${name}:`);
  for (const [language, f] of Object.entries(figures)) {
    console.log(
      `  ${language}  ${f.messages} messages  negative precision ${f.negPrecision}  recall ${f.negRecall}  accuracy ${f.accuracy}  language ${f.languageAccuracy}`,
    );
  }
}

const misses = process.argv.includes('--misses') ? [] : undefined;
const dev = measure(readSet('dev'), misses);
const heldOut = measure(readSet('held-out'), undefined);
if (misses) console.log(misses.join('\n'));
print('dev (tuned on)', dev);
print('held-out (never tuned on)', heldOut);
console.log(
  JSON.stringify(
    Object.fromEntries(
      LANGUAGES.map((language) => {
        const { negRecall, negPrecision, accuracy, languageAccuracy } = heldOut[language];
        return [language, { negRecall, negPrecision, accuracy, languageAccuracy }];
      }),
    ),
  ),
);
