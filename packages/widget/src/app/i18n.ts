// The widget's languages: English is built in, the others load as lazy chunks when chosen.
import type { WidgetLanguage } from '@parley/protocol';
import { en, type Strings } from './locales/en';

export type { Strings };
export { en };

const RTL = /^(ar|he|fa|ur|ps|yi)\b/;

/** The language to use: the API's choice, else the site's, else the browser's if we have it. */
export function pickLanguage(
  site: 'auto' | WidgetLanguage,
  api: string | null,
  browser: string,
): WidgetLanguage {
  for (const wanted of [api, site === 'auto' ? browser : site]) {
    const code = wanted?.slice(0, 2).toLowerCase();
    if (code === 'en' || code === 'ro' || code === 'pl') return code;
  }
  return 'en';
}

export async function loadStrings(language: WidgetLanguage): Promise<Strings> {
  if (language === 'ro') return (await import('./locales/ro')).ro;
  if (language === 'pl') return (await import('./locales/pl')).pl;
  return en;
}

/** Text direction for a language tag; ready for right-to-left languages. */
export const direction = (language: string) => (RTL.test(language) ? 'rtl' : 'ltr');

/** Fills `{name}` placeholders. */
export function format(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}
