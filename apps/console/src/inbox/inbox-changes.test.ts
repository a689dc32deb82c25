// @vitest-environment node
// Applying the relay's inbox announcements: rows updated, moved, dropped or added by the active
// view, filters and sort; counts moved from where a conversation stood; stale and missed ones told apart.
import type { Conversation, InboxChange, InboxCounts, InboxItem, InboxQuery } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { belongs, countsAfter, Known, listAfter, PAGE } from './inbox-changes';

const ME = 'a'.repeat(24);
const BOB = 'b'.repeat(24);
const SITE = 'c'.repeat(24);

let next = 0;
function conversation(change: Partial<Conversation> = {}): Conversation {
  next++;
  return {
    id: next.toString(16).padStart(24, '0'),
    siteId: SITE,
    visitorId: 'd'.repeat(24),
    status: 'open',
    channel: 'chat',
    assigneeId: null,
    priority: 'none',
    tags: [],
    seq: 1,
    visitorSeenSeq: 0,
    agentSeenSeq: 0,
    createdAt: '2026-12-04T10:00:00.000Z',
    lastMessageAt: '2026-12-04T10:00:00.000Z',
    firstResponseAt: null,
    resolvedAt: null,
    waitingSince: null,
    ...change,
  };
}
const row = (c: Conversation, body = 'Is the Ember mug dishwasher safe?'): InboxItem => ({
  conversation: c,
  visitorName: 'Teal Heron',
  preview: { body, author: { kind: 'visitor', id: c.visitorId }, createdAt: c.createdAt, type: 'message' },
});
const change = (c: Conversation, revision: number, before?: InboxChange['before']): InboxChange => ({
  item: row(c),
  revision,
  ...(before === undefined ? {} : { before }),
});
const ids = (items: InboxItem[]) => items.map((i) => i.conversation.id);
const OPEN: InboxQuery = { view: 'open', sort: 'activity' };

describe('belongs', () => {
  it('follows the relay view filters, mine by the agent it is for', () => {
    const waiting = conversation({ assigneeId: null });
    expect(belongs(waiting, { view: 'unassigned' }, ME)).toBe(true);
    expect(belongs(waiting, { view: 'mine' }, ME)).toBe(false);
    const bobs = conversation({ assigneeId: BOB, status: 'pending' });
    expect(belongs(bobs, { view: 'mine' }, BOB)).toBe(true);
    expect(belongs(bobs, { view: 'mine' }, ME)).toBe(false);
    expect(belongs(bobs, { view: 'snoozed' }, ME)).toBe(true);
    expect(belongs(bobs, { view: 'open' }, ME)).toBe(false);
    expect(belongs(conversation({ status: 'resolved' }), { view: 'resolved' }, ME)).toBe(true);
  });

  it('applies every filter, and cannot tell for a search or the meetings channel', () => {
    const tagged = conversation({ tags: ['zwrot', 'livrare-rapidă'], priority: 'high', channel: 'email' });
    expect(belongs(tagged, { ...OPEN, tag: 'livrare-rapidă' }, ME)).toBe(true);
    expect(belongs(tagged, { ...OPEN, tag: 'livrare-rapida' }, ME)).toBe(false);
    expect(belongs(tagged, { ...OPEN, priority: 'low' }, ME)).toBe(false);
    expect(belongs(tagged, { ...OPEN, channel: 'chat' }, ME)).toBe(false);
    expect(belongs(tagged, { ...OPEN, siteId: 'e'.repeat(24) }, ME)).toBe(false);
    expect(belongs(tagged, { ...OPEN, teamId: 'e'.repeat(24) }, ME)).toBe(false);
    expect(belongs(tagged, { ...OPEN, q: 'kubek' }, ME)).toBeNull();
    expect(belongs(tagged, { ...OPEN, channel: 'meeting' }, ME)).toBeNull();
  });
});

describe('listAfter', () => {
  it('adds a new row in activity order and moves a row to the top when it gets a message', () => {
    const older = conversation({ lastMessageAt: '2026-12-04T09:00:00.000Z' });
    const newer = conversation({ lastMessageAt: '2026-12-04T11:00:00.000Z' });
    let list = [row(newer), row(older)];
    const middle = conversation({ lastMessageAt: '2026-12-04T10:00:00.000Z' });
    list = listAfter(list, change(middle, 1, null), OPEN, ME);
    expect(ids(list)).toEqual([newer.id, middle.id, older.id]);

    const wrote = { ...older, seq: 2, lastMessageAt: '2026-12-04T12:00:00.000Z' };
    list = listAfter(list, change(wrote, 2), OPEN, ME);
    expect(ids(list)).toEqual([older.id, newer.id, middle.id]);
    expect(list[0]!.conversation.seq).toBe(2);
  });

  it('orders by the longest wait first, answered chats after', () => {
    const query: InboxQuery = { view: 'open', sort: 'waiting' };
    const answered = conversation({ waitingSince: null, lastMessageAt: '2026-12-04T12:00:00.000Z' });
    const longest = conversation({ waitingSince: '2026-12-04T08:00:00.000Z' });
    let list = [row(longest), row(answered)];
    const shorter = conversation({ waitingSince: '2026-12-04T09:00:00.000Z' });
    list = listAfter(list, change(shorter, 1, null), query, ME);
    expect(ids(list)).toEqual([longest.id, shorter.id, answered.id]);
    // Answered: it goes after those still waiting, among the answered by latest activity.
    list = listAfter(list, change({ ...longest, waitingSince: null }, 2), query, ME);
    expect(ids(list)).toEqual([shorter.id, answered.id, longest.id]);
  });

  it('drops a row that leaves the view and ignores one that does not belong', () => {
    const a = conversation();
    const list = [row(a)];
    expect(listAfter(list, change({ ...a, status: 'resolved' }, 2), OPEN, ME)).toEqual([]);
    const elsewhere = conversation({ status: 'snoozed' });
    expect(listAfter(list, change(elsewhere, 1), OPEN, ME)).toEqual(list);
    expect(listAfter(list, change({ ...a, assigneeId: BOB }, 2), { view: 'unassigned' }, ME)).toEqual([]);
  });

  it('keeps a page at most', () => {
    const list = Array.from({ length: PAGE }, () =>
      row(conversation({ lastMessageAt: '2026-12-04T09:00:00.000Z' })),
    );
    const top = conversation({ lastMessageAt: '2026-12-04T13:00:00.000Z' });
    const after = listAfter(list, change(top, 1, null), OPEN, ME);
    expect(after).toHaveLength(PAGE);
    expect(after[0]!.conversation.id).toBe(top.id);
  });

  it('updates a search row in place, keeping its match, and adds none', () => {
    const query: InboxQuery = { ...OPEN, q: 'cana albastră' };
    const hit = conversation();
    const match = { id: 'f'.repeat(24), seq: 1, body: 'Mai aveți cana albastră?', createdAt: hit.createdAt };
    const list = [{ ...row(hit), match }];
    const after = listAfter(list, change({ ...hit, status: 'resolved' }, 2), query, ME);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ conversation: { status: 'resolved' }, match });
    expect(listAfter(list, change(conversation(), 1, null), query, ME)).toEqual(list);
  });
});

describe('countsAfter', () => {
  const counts: InboxCounts = { unassigned: 2, mine: 1, open: 3, snoozed: 0, resolved: 5 };

  it('counts a new chat in the views it enters', () => {
    expect(countsAfter(counts, null, change(conversation(), 1, null), ME)).toEqual({
      ...counts,
      unassigned: 3,
      open: 4,
    });
  });

  it('moves a conversation between views: taken by me, then snoozed, then resolved', () => {
    const c = conversation();
    const mine = countsAfter(
      counts,
      { status: 'open', assigneeId: null },
      change({ ...c, assigneeId: ME }, 2),
      ME,
    );
    expect(mine).toEqual({ ...counts, unassigned: 1, mine: 2 });
    const snoozed = countsAfter(
      mine,
      { status: 'open', assigneeId: ME },
      change({ ...c, assigneeId: ME, status: 'snoozed' }, 3),
      ME,
    );
    expect(snoozed).toEqual({ ...mine, mine: 1, open: 2, snoozed: 1 });
    // A colleague's view of the same change: 'mine' is not theirs.
    expect(
      countsAfter(counts, { status: 'open', assigneeId: null }, change({ ...c, assigneeId: ME }, 2), BOB),
    ).toEqual({ ...counts, unassigned: 1 });
  });
});

describe('Known', () => {
  it('tells the next announcement, a stale one and a missed one apart', () => {
    const known = new Known();
    const c = conversation();
    known.rows([{ ...row(c), revision: 4 }]);
    expect(known.take(change(c, 3))).toBe('stale');
    expect(known.take(change(c, 4))).toBe('stale');
    expect(known.take(change(c, 5))).toBe('next');
    expect(known.take(change(c, 7))).toBe('gap');
    expect(known.take(change(conversation(), 9))).toBe('next');
  });

  it('places a conversation where it last saw it, else where the relay says, else nowhere known', () => {
    const known = new Known();
    const c = conversation({ assigneeId: BOB });
    known.rows([{ ...row(c), revision: 1 }]);
    expect(
      known.placement(change({ ...c, status: 'resolved' }, 2, { status: 'open', assigneeId: null })),
    ).toEqual({
      status: 'open',
      assigneeId: BOB,
    });
    const other = conversation();
    expect(known.placement(change(other, 3, { status: 'snoozed', assigneeId: null }))).toEqual({
      status: 'snoozed',
      assigneeId: null,
    });
    expect(known.placement(change(other, 1, null))).toBeNull();
    expect(known.placement(change(other, 3))).toBeUndefined();
  });
});
