// The rules of what a batch does to a conversation's state, without a database: replies and who
// wrote them, the counter, reopening, the first response, and who wrote last deciding the wait.
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import {
  answered,
  authorsOf,
  counterMove,
  type Entry,
  type Run,
  reopens,
  type State,
  stateAfter,
  stateChanges,
  stateOf,
  waiting,
} from './state-rules';

const visitor: Entry = { author: { kind: 'visitor' } };
const agent: Entry = { author: { kind: 'agent' } };
const note: Entry = { type: 'note', author: { kind: 'agent' } };
const event: Entry = { type: 'event', author: { kind: 'system' } };

/** Runs in seq order as given, the nth starting at seq n. */
const runs = (...groups: Entry[][]): Run[] =>
  groups.map((group, i) => ({ authors: authorsOf(group), from: i + 1 }));

const open: State = { status: 'open', answered: false, waiting: false };
const now = new Date('2026-12-04T12:00:00Z');
const _id = new ObjectId();

describe('authorsOf', () => {
  it('counts chat messages as replies and says who wrote them', () => {
    expect(authorsOf([visitor])).toEqual({ replies: true, agent: false, visitor: true });
    expect(authorsOf([agent, { ...agent, type: 'message' }])).toEqual({
      replies: true,
      agent: true,
      visitor: false,
    });
    expect(authorsOf([visitor, agent])).toEqual({ replies: true, agent: true, visitor: true });
  });

  it('does not count notes or events as replies, whoever wrote them', () => {
    expect(authorsOf([note, event])).toEqual({ replies: false, agent: false, visitor: false });
    expect(authorsOf([{ type: 'event', author: { kind: 'visitor' } }])).toEqual({
      replies: false,
      agent: false,
      visitor: false,
    });
  });
});

describe('counterMove', () => {
  it('moves the counter past the whole run and stamps the last message for replies', () => {
    expect(counterMove(3, authorsOf([visitor]), now)).toEqual({
      $inc: { seq: 3 },
      $max: { updatedAt: now, lastMessageAt: now },
    });
  });

  it('moves the counter for notes and events but leaves the last message as it was', () => {
    expect(counterMove(2, authorsOf([note, event]), now)).toEqual({
      $inc: { seq: 2 },
      $max: { updatedAt: now },
    });
  });
});

describe('stateOf', () => {
  it('reads a conversation without a status as open, and the stamps as flags', () => {
    const untouched = { firstResponseAt: null, waitingSince: null } as Parameters<typeof stateOf>[0];
    expect(stateOf(untouched)).toEqual(open);
    expect(stateOf({ status: 'snoozed', firstResponseAt: now, waitingSince: now })).toEqual({
      status: 'snoozed',
      answered: true,
      waiting: true,
    });
  });
});

describe('reopening', () => {
  it("reopens a resolved or a snoozed conversation on a visitor's message", () => {
    for (const status of ['resolved', 'snoozed']) {
      const before = { ...open, status };
      expect(reopens(before, runs([visitor]))).toBe(true);
      expect(stateAfter(before, runs([visitor])).status).toBe('open');
    }
  });

  it("does not reopen on an agent's reply, a note or an event", () => {
    const resolved = { ...open, status: 'resolved' };
    expect(reopens(resolved, runs([agent], [note], [event]))).toBe(false);
    expect(stateAfter(resolved, runs([agent])).status).toBe('resolved');
  });

  it('leaves an open or pending conversation as it is', () => {
    expect(reopens(open, runs([visitor]))).toBe(false);
    expect(stateAfter({ ...open, status: 'pending' }, runs([visitor])).status).toBe('pending');
  });

  it('clears resolvedAt when it reopens a resolved conversation, only while it is still resolved', () => {
    const resolved = { ...open, status: 'resolved' };
    expect(stateChanges(_id, resolved, stateAfter(resolved, runs([visitor])), now)).toContainEqual({
      updateOne: {
        filter: { _id, status: 'resolved' },
        update: { $set: { status: 'open', resolvedAt: null } },
      },
    });
    const snoozed = { ...open, status: 'snoozed' };
    expect(stateChanges(_id, snoozed, stateAfter(snoozed, runs([visitor])), now)).toContainEqual({
      updateOne: { filter: { _id, status: 'snoozed' }, update: { $set: { status: 'open' } } },
    });
  });
});

describe('first response', () => {
  it("is an agent's reply, stamped only where none is stamped yet", () => {
    expect(answered(open, runs([agent]))).toBe(true);
    expect(stateChanges(_id, open, stateAfter(open, runs([agent])), now)).toEqual([
      { updateOne: { filter: { _id, firstResponseAt: null }, update: { $set: { firstResponseAt: now } } } },
    ]);
  });

  it('is stamped once: an answered conversation gets no second stamp', () => {
    const before = { ...open, answered: true };
    expect(stateAfter(before, runs([agent])).answered).toBe(true);
    expect(stateChanges(_id, before, stateAfter(before, runs([agent])), now)).toEqual([]);
  });

  it("is not a visitor's message, an agent's note or a system event", () => {
    expect(answered(open, runs([visitor], [note], [event]))).toBe(false);
  });
});

describe('waiting', () => {
  it("starts with a visitor's message and ends with an agent's reply", () => {
    expect(waiting(open, runs([visitor]))).toBe(true);
    expect(waiting({ ...open, waiting: true }, runs([agent]))).toBe(false);
  });

  it('in one batch, visitor then agent: the agent wrote last, so nobody waits', () => {
    expect(stateAfter(open, runs([visitor], [agent]))).toEqual({
      status: 'open',
      answered: true,
      waiting: false,
    });
  });

  it('in one batch, agent then visitor: the visitor wrote last and waits, and the agent still answered', () => {
    expect(stateAfter(open, runs([agent], [visitor]))).toEqual({
      status: 'open',
      answered: true,
      waiting: true,
    });
  });

  it('goes by seq order, not by the order runs are listed in', () => {
    const agentFirst: Run[] = [
      { authors: authorsOf([visitor]), from: 5 },
      { authors: authorsOf([agent]), from: 2 },
    ];
    expect(waiting(open, agentFirst)).toBe(true);
  });

  it('is left as it was by notes and events: they do not answer the visitor', () => {
    expect(waiting({ ...open, waiting: true }, runs([note], [event]))).toBe(true);
    expect(waiting(open, runs([note]))).toBe(false);
    expect(waiting({ ...open, waiting: true }, runs([agent], [note]))).toBe(false);
  });

  it('stamps waitingSince only where none is stamped, and clears it without a condition', () => {
    expect(stateChanges(_id, open, { ...open, waiting: true }, now)).toEqual([
      { updateOne: { filter: { _id, waitingSince: null }, update: { $set: { waitingSince: now } } } },
    ]);
    expect(stateChanges(_id, { ...open, waiting: true }, open, now)).toEqual([
      { updateOne: { filter: { _id }, update: { $set: { waitingSince: null } } } },
    ]);
  });
});

describe('stateChanges', () => {
  it('writes nothing when the state stays as it was', () => {
    const before = { status: 'open', answered: true, waiting: true };
    expect(stateChanges(_id, before, stateAfter(before, runs([visitor], [note])), now)).toEqual([]);
  });

  it('reopens, stamps the first response and ends the wait together, in that order', () => {
    const before = { status: 'resolved', answered: false, waiting: true };
    const after = { status: 'open', answered: true, waiting: false };
    expect(
      stateChanges(_id, before, after, now).map((op) => 'updateOne' in op && op.updateOne.update),
    ).toEqual([
      { $set: { status: 'open', resolvedAt: null } },
      { $set: { firstResponseAt: now } },
      { $set: { waitingSince: null } },
    ]);
  });
});
