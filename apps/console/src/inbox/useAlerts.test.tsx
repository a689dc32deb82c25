// @vitest-environment node
// useAlerts against a real relay: which events ring, once each, and which stay quiet (a chat a
// colleague has, the chat on screen, the agent's own doings); late first replies across views.
import type { InboxItem } from '@parley/protocol';
import { cleanup, renderHook } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Desk, eventually, openDesk } from './testing';
import { type AlertRules, useAlerts } from './useAlerts';

let desk: Desk;
beforeAll(async () => {
  desk = await openDesk();
});
afterEach(cleanup);
afterAll(async () => {
  await desk?.close();
});

function rules(change: Partial<AlertRules> = {}): AlertRules {
  return {
    client: desk.client,
    agentId: desk.ana.id,
    conversationId: null,
    items: [],
    now: Date.now(),
    targets: new Map(),
    open: () => {},
    show: vi.fn(),
    ...change,
  };
}

const texts = (show: AlertRules['show']) => vi.mocked(show).mock.calls.map(([text]) => text);
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('useAlerts', () => {
  it('rings once for a new chat and for each new message in it, not for a chat a colleague has', async () => {
    const show = vi.fn();
    const { rerender } = renderHook((props: AlertRules) => useAlerts(props), {
      initialProps: rules({ show }),
    });
    const { id, visitor } = await desk.visitorWrites('Is the Ember mug dishwasher safe?');
    await eventually(() =>
      expect(texts(show)).toEqual(['New conversation — Is the Ember mug dishwasher safe?']),
    );
    expect(show).toHaveBeenCalledWith(expect.any(String), id);

    visitor.send(id, 'I want 4.');
    await eventually(() => expect(texts(show)).toHaveLength(2));
    expect(texts(show)[1]).toBe('New message — I want 4.');

    // Bob picks the chat up: what the visitor writes next is his to answer.
    await desk.services.actions.apply(desk.bob, id, {
      action: 'assign',
      assigneeId: desk.bob.id,
      from: null,
    });
    rerender(rules({ show }));
    visitor.send(id, 'Hello?');
    await settle();
    expect(texts(show)).toHaveLength(2);
  });

  it('stays quiet for the chat on screen, and rings when a colleague mentions or hands a chat over', async () => {
    const show = vi.fn();
    const { id, visitor } = await desk.visitorWrites('Where is my parcel?');
    renderHook(() => useAlerts(rules({ show, conversationId: id })));
    visitor.send(id, 'It was due Monday.');
    await settle();
    expect(texts(show)).toEqual([]);

    const note = await desk.services.actions.note(desk.bob, {
      conversationId: id,
      clientMsgId: 'note-1',
      body: '@Ana Desk could you check the courier?',
    });
    expect(note.ok).toBe(true);
    await eventually(() =>
      expect(texts(show)).toEqual(['Bob Colleague mentioned you — @Ana Desk could you check the courier?']),
    );
    await desk.services.actions.apply(desk.bob, id, {
      action: 'transfer',
      from: null,
      to: { agentId: desk.ana.id },
      note: 'You know this courier',
    });
    await eventually(() => expect(texts(show)).toHaveLength(2));
    expect(texts(show)[1]).toBe('A conversation was assigned to you — Bob Colleague: You know this courier');
  });

  it('rings once when a first reply runs past the site target, whatever view is listed', async () => {
    const { id } = await desk.visitorWrites('Anyone there?');
    const show = vi.fn();
    const targets = new Map([[desk.env.site.id, 60]]);
    const items: InboxItem[] = [];
    const { rerender } = renderHook((props: AlertRules) => useAlerts(props), {
      initialProps: rules({ show, targets, items }),
    });
    await settle();
    expect(texts(show).filter((t) => t.includes('is waiting'))).toEqual([]);

    // Two minutes on: nothing on screen lists it, the rules find it waiting all the same (and the
    // chat handed to Ana above, still unanswered).
    const late = () => vi.mocked(show).mock.calls.filter(([text]) => text.includes(' is waiting — '));
    rerender(rules({ show, targets, items, now: Date.now() + 120_000 }));
    await eventually(() => expect(late().map(([, conversation]) => conversation)).toContain(id));
    expect(late().find(([, conversation]) => conversation === id)?.[0]).toMatch(
      / is waiting — No reply for over 1 min$/,
    );
    const rung = late().length;
    rerender(rules({ show, targets, items, now: Date.now() + 180_000 }));
    await settle();
    expect(late()).toHaveLength(rung);
    expect(new Set(late().map(([, conversation]) => conversation)).size).toBe(rung);
  });
});
