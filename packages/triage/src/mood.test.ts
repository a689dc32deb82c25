import { describe, expect, it } from 'vitest';
import { analyse, conversationLanguage, conversationMood } from './index';

describe('conversationMood', () => {
  it('is the worst of the recent visitor messages, with its reasons', () => {
    const messages = ['Bună ziua', 'Mulțumesc frumos', 'coletul nu a ajuns, e o bătaie de joc', 'mersi'].map(
      (t) => analyse(t),
    );
    expect(conversationMood(messages)).toEqual({
      sentiment: 'negative',
      score: messages[2]!.score,
      reasons: messages[2]!.reasons,
    });
  });

  it('forgets what is older than the recent messages', () => {
    const messages = ['this is a scam', 'ok', 'thanks', 'great', 'ok', 'thanks'].map((t) => analyse(t));
    expect(conversationMood(messages).sentiment).toBe('neutral');
    expect(conversationMood(messages, 6).sentiment).toBe('negative');
  });

  it('is neutral with no messages, positive when all are', () => {
    expect(conversationMood([])).toEqual({ sentiment: 'neutral', score: 0, reasons: [] });
    expect(conversationMood([analyse('dziękuję'), analyse('super')]).sentiment).toBe('positive');
  });
});

describe('a conversation, as the relay would triage it', () => {
  it('keeps its language once two messages agree, and a short one follows it', () => {
    const detected: ReturnType<typeof analyse>['language'][] = [];
    const triage = (text: string) => {
      const result = analyse(text, { locale: 'en-US', previousLanguage: conversationLanguage(detected) });
      detected.push(result.language);
      return result;
    };
    triage('Bună ziua, unde este comanda mea?');
    triage('am comandat acum o saptamana');
    expect(conversationLanguage(detected)).toBe('ro');
    expect(triage('ok').language).toBe('ro');
    expect(triage('super').language).toBe('ro');
  });
});
