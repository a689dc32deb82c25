import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse, MAX_INPUT } from './index';

const mood = (text: string, locale?: string) => {
  const { language, sentiment, reasons } = analyse(text, { locale });
  return { language, sentiment, reasons };
};

describe('negation', () => {
  it.each([
    ['en', 'not bad at all', 'positive'],
    ['en', 'I am not happy with the jacket', 'negative'],
    ['en', 'the blender doesnt work', 'negative'],
    ['en', "the blender doesn't work", 'negative'],
    ['en', 'I have no complaints, thanks', 'positive'],
    ['ro', 'nu e rău deloc', 'positive'],
    ['ro', 'nu e rau deloc', 'positive'],
    ['ro', 'Nu sunt mulțumită de comandă', 'negative'],
    ['ro', 'nu sunt multumita de comanda', 'negative'],
    ['ro', 'n-am primit coletul', 'negative'],
    ['ro', 'Nu am nicio reclamație, mersi', 'positive'],
    ['pl', 'wcale nie jest źle', 'positive'],
    ['pl', 'wcale nie jest zle', 'positive'],
    ['pl', 'Nie jestem zadowolony, za drogo', 'negative'],
    ['pl', 'paczka nie dotarła', 'negative'],
    ['pl', 'nikt nie odpowiada, nigdy nie oddają pieniędzy', 'negative'],
  ])('%s: %s → %s', (language, text, sentiment) => {
    expect(mood(text)).toMatchObject({ language, sentiment });
  });

  it('names the negator in the reason', () => {
    expect(mood('Nie jestem zadowolony, za drogo').reasons).toEqual(['nie + zadowolony', 'za + drogo']);
    expect(mood('not bad at all').reasons).toEqual(['not + bad + at all']);
  });

  it('stops at the end of its clause', () => {
    // "nu" governs "sunt", not "mulțumesc" after the comma.
    expect(mood('Nu sunt acasă azi, mulțumesc').sentiment).toBe('positive');
    expect(mood('No problem, thanks a lot').sentiment).toBe('positive');
  });
});

describe('intensifiers', () => {
  it.each([
    ['en', 'bad', 'very bad'],
    ['ro', 'scump', 'prea scump'],
    ['ro', 'dezamăgit', 'foarte dezamăgit'],
    ['pl', 'drogo', 'za drogo'],
    ['pl', 'rozczarowana', 'bardzo rozczarowana'],
  ])('%s: "%s" scores below "%s"… above it', (_, plain, stronger) => {
    expect(analyse(stronger).score).toBe(analyse(plain).score - 1);
  });

  it('strengthens a shouted complaint', () => {
    expect(analyse('STILL NO ANSWER, THIS IS A DISGRACE').reasons).toContain('ALL CAPS');
    expect(analyse('still no answer, this is a disgrace').reasons).not.toContain('ALL CAPS');
  });

  it('counts a run of question marks as impatience', () => {
    expect(analyse('where is my order???')).toMatchObject({ sentiment: 'negative', reasons: ['??'] });
    expect(analyse('where is my order?').sentiment).toBe('neutral');
  });
});

describe('missing diacritics and inflections', () => {
  it.each([
    ['Mulțumesc frumos!', 'multumesc frumos!'],
    ['Coletul a întârziat', 'coletul a intarziat'],
    ['E o țeapă', 'e o teapa'],
    ['Dziękuję bardzo', 'dziekuje bardzo'],
    ['Paczka jest uszkodzona', 'paczka jest uszkodzona'],
    ['Żenada, kurier zgubił paczkę', 'zenada, kurier zgubil paczke'],
  ])('"%s" reads as "%s"', (marked, bare) => {
    const a = analyse(marked);
    const b = analyse(bare);
    expect(b.sentiment).toBe(a.sentiment);
    expect(b.score).toBe(a.score);
    expect(b.language).toBe(a.language);
    expect(a.sentiment).not.toBe('neutral');
  });

  it('stems: refunded and refunds meet refund, dezamăgită meets dezamăgit', () => {
    expect(analyse('you refunded me, thanks').intent).toBe('refund');
    expect(analyse('Sunt dezamăgită').sentiment).toBe('negative');
    expect(analyse('Sunt dezamagiti').sentiment).toBe('negative');
  });

  it('shows a prefix entry as the message wrote it', () => {
    expect(analyse('E prea scump și coletul a întârziat')).toMatchObject({
      language: 'ro',
      sentiment: 'negative',
      reasons: ['prea + scump', 'întârziat'],
      intent: 'delivery',
    });
  });

  it('keeps greetings neutral (bună, dzień dobry, good morning)', () => {
    expect(mood('Bună, e cineva acolo?').sentiment).toBe('neutral');
    expect(mood('Dzień dobry, mam pytanie').sentiment).toBe('neutral');
    expect(mood('Good morning, I have a question').sentiment).toBe('neutral');
  });
});

describe('the issue’s cases against machine-translated word lists', () => {
  it('"scump" is negative and "Nie jestem zadowolony, za drogo" too', () => {
    expect(analyse('scump', { locale: 'ro' })).toMatchObject({ language: 'ro', sentiment: 'negative' });
    expect(analyse('Nie jestem zadowolony, za drogo').score).toBeLessThan(-2);
  });

  it.each([
    ['ro', 'Comanda nu a ajuns, e o bătaie de joc', 'bătaie de joc'],
    ['pl', 'Nigdy więcej nie zamówię', 'nigdy więcej'],
    ['en', 'my parcel still hasnt arrived', 'still hasnt arrived'],
  ])('%s phrase: %s', (language, text, reason) => {
    expect(analyse(text)).toMatchObject({ language, sentiment: 'negative' });
    expect(analyse(text).reasons).toContain(reason);
  });
});

describe('mixed languages', () => {
  it('reads a message in one language with a word from another', () => {
    expect(analyse('Thanks, dar coletul e deteriorat').sentiment).toBe('negative');
    expect(analyse('Mulțumesc, but the parcel still hasnt arrived').sentiment).toBe('negative');
    expect(analyse('super, dziękuję za pomoc').sentiment).toBe('positive');
  });

  it('tries the other lexicons when the detected one finds nothing', () => {
    // Too short for the detector to be sure; the Romanian lexicon still knows the word.
    expect(analyse('mersi', { locale: 'en' }).sentiment).toBe('positive');
  });
});

describe('intent', () => {
  it.each([
    ['where is my order 4821?', 'order-status'],
    ['unde este comanda mea?', 'order-status'],
    ['gdzie jest moje zamówienie?', 'order-status'],
    ['the courier left the parcel at the wrong address', 'delivery'],
    ['curierul nu a venit', 'delivery'],
    ['kurier nie przyjechał', 'delivery'],
    ['I want to return the shoes', 'refund'],
    ['vreau să returnez pantofii', 'refund'],
    ['chcę zwrócić buty', 'refund'],
    ['I need an invoice for my company', 'payment'],
    ['Se poate plăti ramburs?', 'payment'],
    ['potrzebuję faktury na firmę', 'payment'],
    ['is this jacket waterproof?', 'product'],
    ['ce garanție are espressorul?', 'product'],
    ['czy słuchawki mają kabel w zestawie?', 'product'],
    ['do you have a discount code', 'discount'],
    ['aveți un cod de reducere?', 'discount'],
    ['macie kod rabatowy?', 'discount'],
    ['how do I reset my password', 'account'],
    ['cum îmi schimb parola', 'account'],
    ['jak zmienić hasło', 'account'],
    ['I will report you to consumer protection', 'complaint'],
    ['fac reclamație la ANPC', 'complaint'],
    ['zgłoszę to do UOKiK', 'complaint'],
    ['Worst shop ever', 'complaint'],
    ['hello', 'other'],
  ])('%s → %s', (text, intent) => {
    expect(analyse(text).intent).toBe(intent);
  });

  it('carries the terms that decided it', () => {
    expect(analyse('fac reclamație la ANPC').intentReasons).toEqual(['reclamație', 'anpc']);
  });
});

describe('edges', () => {
  it('reads an emoji-only message, in no language', () => {
    expect(analyse('😡😡')).toMatchObject({ language: null, sentiment: 'negative', reasons: ['😡'] });
    expect(analyse('👍')).toMatchObject({ language: null, sentiment: 'positive' });
    expect(analyse('❤️')).toMatchObject({ sentiment: 'positive', reasons: ['❤'] });
    expect(analyse(':(').sentiment).toBe('negative');
  });

  it('takes the language of an emoji-only message from the hints', () => {
    expect(analyse('👍', { locale: 'pl-PL' }).language).toBe('pl');
    expect(analyse('👍', { previousLanguage: 'ro' }).language).toBe('ro');
  });

  it('answers an empty or blank message as neutral, other', () => {
    for (const text of ['', '   ', '\n\t', '...']) {
      expect(analyse(text)).toEqual({
        language: null,
        sentiment: 'neutral',
        score: 0,
        reasons: [],
        intent: 'other',
        intentReasons: [],
      });
    }
  });

  it('reads only the first MAX_INPUT characters of a long message', () => {
    const long = `${'thanks '.repeat(MAX_INPUT)} this is a scam`;
    const result = analyse(long);
    expect(result.reasons).not.toContain('scam');
    expect(result.sentiment).toBe('positive');
    // What lies past the limit changes nothing.
    expect(analyse(`${long}${'terrible '.repeat(100_000)}`)).toEqual(result);
  });
});

describe('hostile Unicode', () => {
  it('sees through zero-width characters and bidi overrides', () => {
    for (const text of ['sc\u200bam', '\u202escam\u202c', 's\u200dc\u2060am', '\ufeffscam', 'sc\u00adam']) {
      expect(analyse(text).reasons).toEqual(['scam']);
    }
  });

  it('folds combining marks, stacked or not, and fullwidth letters', () => {
    expect(analyse('multumesc').reasons).toEqual(['mulțumesc']);
    expect(analyse('mult\u0326umesc').reasons).toEqual(['mulțumesc']);
    expect(analyse(`sca${'\u0301\u0308\u0323'.repeat(50)}m`).reasons).toEqual(['scam']);
    expect(analyse('ｓｃａｍ').reasons).toEqual(['scam']);
  });

  it('survives lone surrogates', () => {
    for (const text of ['\ud800', 'scam \udc00', '\udfff\ud800 👍', `${'😡'.repeat(MAX_INPUT)}`]) {
      const result = analyse(text);
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      expect(result.reasons.join('')).toBe(result.reasons.join('').toWellFormed());
    }
  });

  it('cut in the middle of an emoji at the limit, stays well-formed', () => {
    const text = `${'a'.repeat(MAX_INPUT - 1)}😡`;
    expect(() => encodeURIComponent(analyse(text).reasons.join(''))).not.toThrow();
  });

  it('never throws and always answers in shape, whatever the string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom(undefined, 'ro', 'pl', 'xx'),
        (text, locale) => {
          const result = analyse(text, { locale });
          expect(['en', 'ro', 'pl', null]).toContain(result.language);
          expect(['negative', 'neutral', 'positive']).toContain(result.sentiment);
          expect(Number.isInteger(result.score)).toBe(true);
          expect(result.sentiment === 'negative' || result.score >= 0).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
