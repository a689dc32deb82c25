import type { Message } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryStore, Outbox } from './outbox';
import { Timeline } from './timeline';

const message = (seq: number): Message => ({
  id: `id${seq}`,
  conversationId: 'c'.repeat(24),
  seq,
  clientMsgId: `client-${seq}`,
  type: 'message',
  visibility: 'all',
  author: { kind: 'visitor', id: 'v' },
  body: `m${seq}`,
  channel: 'chat',
  createdAt: new Date(0).toISOString(),
});

describe('Timeline', () => {
  it('keeps messages in seq order, once each, whatever order they arrive in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 80 }), (arrivals) => {
        const timeline = new Timeline();
        for (const seq of arrivals) timeline.add(message(seq));
        const held = [...new Set(arrivals)].sort((a, b) => a - b);
        expect(timeline.messages().map((m) => m.seq)).toEqual(held);
        // lastSeq: the end of the run with no holes from 1.
        let contiguous = 0;
        while (held.includes(contiguous + 1)) contiguous++;
        expect(timeline.lastSeq).toBe(contiguous);
      }),
    );
  });

  it('moves past a hole only when a complete sync says nothing is missing', () => {
    const timeline = new Timeline();
    timeline.add(message(1));
    timeline.add(message(3));
    expect(timeline.lastSeq).toBe(1);
    timeline.settle(3);
    expect(timeline.lastSeq).toBe(3);
    timeline.add(message(4));
    expect(timeline.lastSeq).toBe(4);
  });
});

describe('Outbox', () => {
  it('survives a reload from its store, in order, and binds a started conversation', () => {
    const store = memoryStore();
    const first = new Outbox(store, 'k');
    first.add({
      clientMsgId: 'a1234567',
      conversationId: null,
      startKey: 's1234567',
      body: 'one',
      createdAt: '',
      status: 'sending',
    });
    first.add({
      clientMsgId: 'b1234567',
      conversationId: null,
      startKey: 's1234567',
      body: 'two',
      createdAt: '',
      status: 'sending',
    });
    const reloaded = new Outbox(store, 'k');
    expect(reloaded.all().map((i) => i.body)).toEqual(['one', 'two']);
    reloaded.bind('s1234567', 'c'.repeat(24));
    expect(new Outbox(store, 'k').all().every((i) => i.conversationId === 'c'.repeat(24))).toBe(true);
    reloaded.remove('a1234567');
    reloaded.remove('b1234567');
    expect(store.getItem('k')).toBeNull();
  });

  it('treats a corrupt store as empty instead of failing', () => {
    const store = memoryStore();
    store.setItem('k', '{not json');
    expect(new Outbox(store, 'k').all()).toEqual([]);
    store.setItem('k', '{"an":"object"}');
    expect(new Outbox(store, 'k').all()).toEqual([]);
  });
});
