// What a batch of timeline entries does to its conversation, as rules without I/O: the counter
// and timestamps every entry moves, and the state a run of replies leaves behind (reopened,
// answered, waiting). The writer (writer.ts) reads the state, applies these and writes the result.
import type { Author, TimelineEntryType } from '@parley/protocol';
import type { AnyBulkWriteOperation, ObjectId } from 'mongodb';
import type { ConversationDoc } from './model';

/** What the rules read of one entry. */
export interface Entry {
  type?: TimelineEntryType | undefined;
  author: Pick<Author, 'kind'>;
}

/** What kinds of reply a group of entries holds: it decides which conversation fields its run changes. */
export interface Authors {
  /** Holds a chat message; notes and events are not replies. */
  replies: boolean;
  agent: boolean;
  visitor: boolean;
}

/** A group's run of seqs, starting at `from`, and who replied in it. */
export interface Run {
  authors: Authors;
  from: number;
}

/** What a conversation's runs depend on, as they find it. */
export interface State {
  status: string;
  /** Has firstResponseAt. */
  answered: boolean;
  /** Has waitingSince. */
  waiting: boolean;
}

export function authorsOf(group: Entry[]): Authors {
  const replies = group.filter((entry) => (entry.type ?? 'message') === 'message');
  return {
    replies: replies.length > 0,
    agent: replies.some((entry) => entry.author.kind === 'agent'),
    visitor: replies.some((entry) => entry.author.kind === 'visitor'),
  };
}

/**
 * The operator update that moves the counter past a run of `count` seqs and stamps what every
 * reply stamps. It commutes with every other such move ($inc, $max), so a sole writer's batches
 * may apply theirs in any order; what changes only sometimes is left to `stateChanges`.
 */
export function counterMove(count: number, { replies }: Authors, now: Date): Record<string, unknown> {
  return {
    $inc: { seq: count },
    $max: replies ? { updatedAt: now, lastMessageAt: now } : { updatedAt: now },
  };
}

export const stateOf = (
  doc: Pick<ConversationDoc, 'status' | 'firstResponseAt' | 'waitingSince'>,
): State => ({
  status: doc.status ?? 'open',
  answered: Boolean(doc.firstResponseAt),
  waiting: Boolean(doc.waitingSince),
});

/** A visitor's reply reopens a resolved or snoozed conversation; nothing else does. */
export function reopens(state: State, runs: Run[]): boolean {
  return (
    (state.status === 'resolved' || state.status === 'snoozed') && runs.some((run) => run.authors.visitor)
  );
}

/** An agent's reply answers a conversation, once: an answered one stays answered. */
export const answered = (state: State, runs: Run[]): boolean =>
  state.answered || runs.some((run) => run.authors.agent);

/**
 * The visitor is waiting when the latest reply, in seq order, is theirs; runs without a reply
 * (notes, events) leave the wait as it was.
 */
export function waiting(state: State, runs: Run[]): boolean {
  const latest = runs
    .filter((run) => run.authors.replies)
    .sort((x, y) => x.from - y.from)
    .at(-1);
  return latest ? latest.authors.visitor : state.waiting;
}

/** The state a conversation is left in by `runs`. */
export const stateAfter = (state: State, runs: Run[]): State => ({
  status: reopens(state, runs) ? 'open' : state.status,
  answered: answered(state, runs),
  waiting: waiting(state, runs),
});

/**
 * The conditional updates that take a conversation from `before` to `after`: reopen it, stamp
 * the first response, start or end the visitor's wait. They are rare, so they go only where the
 * state changes, instead of making every counter move a pipeline update.
 */
export function stateChanges(
  _id: ObjectId,
  before: State,
  after: State,
  now: Date,
): AnyBulkWriteOperation<ConversationDoc>[] {
  const updates: AnyBulkWriteOperation<ConversationDoc>[] = [];
  const when = (condition: Record<string, unknown>, set: Record<string, unknown>) =>
    updates.push({ updateOne: { filter: { _id, ...condition }, update: { $set: set } } });
  if (after.status !== before.status) {
    when(
      { status: before.status },
      before.status === 'resolved' ? { status: 'open', resolvedAt: null } : { status: 'open' },
    );
  }
  if (after.answered && !before.answered) when({ firstResponseAt: null }, { firstResponseAt: now });
  if (after.waiting && !before.waiting) when({ waitingSince: null }, { waitingSince: now });
  if (!after.waiting && before.waiting) when({}, { waitingSince: null });
  return updates;
}
