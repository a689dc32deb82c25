import { describe, expect, it } from 'vitest';
import { conversationLanguage, detectLanguage, languageOf } from './language';
import { clean } from './text';

const detect = (text: string, hints = {}) => detectLanguage(clean(text), hints);

describe('detectLanguage', () => {
  it.each([
    ['en', 'my parcel has not arrived yet'],
    ['ro', 'coletul meu nu a ajuns inca'],
    ['ro', 'coletul meu nu a ajuns încă'],
    ['pl', 'moja paczka jeszcze nie dotarla'],
    ['pl', 'moja paczka jeszcze nie dotarła'],
    ['ro', 'PRODUSUL E STRICAT'],
    ['pl', 'zenada, kurier zgubil paczke'],
  ])('%s: %s', (language, text) => {
    expect(detect(text)).toBe(language);
  });

  it('takes a word of one letter only one language writes as evidence', () => {
    expect(detect('ș')).toBe('ro');
    expect(detect('ł')).toBe('pl');
  });

  it('leans on the locale and the conversation when the text says little', () => {
    expect(detect('ok', { locale: 'ro-RO' })).toBe('ro');
    expect(detect('ok', { locale: 'pl', previousLanguage: 'en' })).toBe('en');
    expect(detect('super', { previousLanguage: 'pl' })).toBe('pl');
    expect(detect('ok')).toBeNull();
    expect(detect('1234 ???')).toBeNull();
  });

  it('is not talked out of clear text by a hint', () => {
    expect(detect('Dziękuję bardzo za szybką odpowiedź', { locale: 'ro', previousLanguage: 'ro' })).toBe(
      'pl',
    );
    expect(detect('Vă mulțumesc pentru răspunsul rapid', { locale: 'en', previousLanguage: 'pl' })).toBe(
      'ro',
    );
  });
});

describe('conversationLanguage', () => {
  it('sticks to the first language two messages agree on', () => {
    expect(conversationLanguage([])).toBeNull();
    expect(conversationLanguage(['en'])).toBeNull();
    expect(conversationLanguage(['en', 'ro'])).toBeNull();
    expect(conversationLanguage(['en', 'ro', 'ro'])).toBe('ro');
    expect(conversationLanguage(['ro', 'en', 'ro', 'en', 'en', 'en'])).toBe('ro');
    expect(conversationLanguage([null, 'pl', undefined, 'pl'])).toBe('pl');
  });
});

describe('languageOf', () => {
  it('reads the language of a locale tag, or null', () => {
    expect(languageOf('ro-RO')).toBe('ro');
    expect(languageOf('PL')).toBe('pl');
    expect(languageOf('en_GB')).toBe('en');
    expect(languageOf('de-DE')).toBeNull();
    expect(languageOf(undefined)).toBeNull();
    expect(languageOf('')).toBeNull();
  });
});
