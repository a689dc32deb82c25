// A conversation's mood from its visitor messages' triage: the worst of the recent ones, so one
// angry message is not averaged away by a polite one before it.
import type { Triage } from './analyse';

export type Mood = Pick<Triage, 'sentiment' | 'score' | 'reasons'>;

/** How many of the latest visitor messages the mood looks at. */
export const RECENT = 5;

/**
 * The mood of a conversation: the lowest-scored of its last `recent` visitor messages (oldest first).
 * @example conversationMood([analyse('thanks'), analyse('still hasnt arrived')]).sentiment // 'negative'
 */
export function conversationMood(messages: readonly Mood[], recent = RECENT): Mood {
  const rank = (mood: Mood) => (mood.sentiment === 'negative' ? -1000 : 0) + mood.score;
  let worst: Mood = { sentiment: 'neutral', score: 0, reasons: [] };
  for (const [k, message] of messages.slice(-recent).entries()) {
    if (k === 0 || rank(message) <= rank(worst)) worst = message;
  }
  return { sentiment: worst.sentiment, score: worst.score, reasons: worst.reasons };
}
