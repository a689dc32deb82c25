// The agenda an agent starts from when offering a meeting: the visitor's last question and the
// topics of the conversation so far (its tags, then the words the visitor used most). Editable.
import type { Message } from '@parley/protocol';

const STOPWORDS = new Set(
  (
    'about above after again against also because been before being below between both but could does doing ' +
    'down during each from further have having here hers herself himself into itself just more most myself ' +
    'once only other ours ourselves over same should some such than that their theirs them themselves then ' +
    'there these they this those through under until very were what when where which while whom will with ' +
    'would your yours yourself yourselves hello thanks thank please okay sure want need like know there ' +
    'still really maybe think great good can’t don’t it’s i’m the and for you our are was has had not ' +
    'can how why who any all get got too out yes hey its his her one did see now new way use'
  ).split(' '),
);

export interface AgendaDraft {
  agenda: string;
  lastQuestion: string | null;
  topics: string[];
}

/**
 * A first agenda from a timeline and the conversation's tags.
 * @example draftAgenda(await conversations.timeline(id), conversation.tags)
 */
export function draftAgenda(
  timeline: readonly Message[],
  tags: readonly string[],
  maxTopics = 5,
): AgendaDraft {
  const fromVisitor = timeline.filter((m) => m.type === 'message' && m.author.kind === 'visitor');
  const asked = fromVisitor.filter((m) => m.body.includes('?'));
  const lastQuestion = (asked.at(-1) ?? fromVisitor.at(-1))?.body.trim() ?? null;

  const counts = new Map<string, number>();
  for (const message of fromVisitor) {
    for (const word of message.body.toLowerCase().match(/\p{L}[\p{L}’'-]{2,}/gu) ?? []) {
      if (!STOPWORDS.has(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  // Map keeps first-seen order, and sort is stable: equally frequent words stay in order of use.
  const words = [...counts].sort((a, b) => b[1] - a[1]).map(([word]) => word);
  const topics = [...new Set([...tags, ...words])].slice(0, maxTopics);

  const lines: string[] = [];
  if (lastQuestion) lines.push(`Question: ${lastQuestion}`);
  if (topics.length > 0) lines.push(`Topics so far: ${topics.join(', ')}`);
  return { agenda: lines.length > 0 ? lines.join('\n') : 'Follow-up on our chat', lastQuestion, topics };
}
