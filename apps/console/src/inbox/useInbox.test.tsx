// @vitest-environment node
// useInbox against a real relay: the list and counts of a view kept from the relay's
// announcements with no request, asked again on reconnect, a newer query never overwritten by an
// older answer, and a lost session.
import type { InboxChange, InboxQuery } from '@parley/protocol';
import { act, cleanup, renderHook } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api } from '../api';
import { type Desk, eventually, openDesk } from './testing';
import { useInbox } from './useInbox';

let desk: Desk;
beforeAll(async () => {
  desk = await openDesk();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await desk?.close();
});

const OPEN: InboxQuery = { view: 'open', sort: 'activity' };
const inboxCalls = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.filter(([path]) => String(path).startsWith('/api/inbox?')).length;

describe('useInbox', () => {
  it('lists the view with every count, and follows a new chat with no request', async () => {
    const first = await desk.visitorWrites('Is the Ember mug dishwasher safe?');
    const handlers = { onSignedOut: vi.fn(), onError: vi.fn() };
    const { result } = renderHook(() => useInbox(desk.client, OPEN, desk.ana.id, handlers));
    expect(result.current.loading).toBe(true);
    await eventually(() => expect(result.current.items.map((i) => i.conversation.id)).toEqual([first.id]));
    await eventually(() => expect(result.current.loading).toBe(false));
    await eventually(() => expect(result.current.counts).toMatchObject({ unassigned: 1, open: 1, mine: 0 }));

    await new Promise((resolve) => setTimeout(resolve, 300));
    const fetches = vi.spyOn(globalThis, 'fetch');
    const second = await desk.visitorWrites('Do you ship to Norway?');
    await eventually(() => expect(result.current.items).toHaveLength(2));
    expect(result.current.items[0]!.conversation.id).toBe(second.id);
    expect(result.current.counts).toMatchObject({ unassigned: 2, open: 2 });
    // The relay's announcements carried the row and moved the counts: nothing was asked for.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(inboxCalls(fetches)).toBe(0);
    expect(fetches).not.toHaveBeenCalled();

    // Bob takes the first chat: it stays open (the view), and leaves the unassigned count.
    await desk.services.actions.apply(desk.bob, first.id, {
      action: 'assign',
      assigneeId: desk.bob.id,
      from: null,
    });
    await eventually(() => expect(result.current.counts).toMatchObject({ unassigned: 1, open: 2, mine: 0 }));
    expect(result.current.items.find((i) => i.conversation.id === first.id)?.conversation.assigneeId).toBe(
      desk.bob.id,
    );
    // Resolved: it leaves the open view and its count.
    await desk.services.actions.apply(desk.bob, first.id, { action: 'resolve' });
    await eventually(() => expect(result.current.items.map((i) => i.conversation.id)).toEqual([second.id]));
    expect(result.current.counts).toMatchObject({ unassigned: 1, open: 1, resolved: 1 });
    expect(fetches).not.toHaveBeenCalled();

    // After a reconnect, the relay is asked once for the list and once for the counts.
    desk.client.socket.io.engine.close();
    await eventually(() => expect(inboxCalls(fetches)).toBe(1));
    await eventually(() => expect(fetches).toHaveBeenCalledTimes(2));
    expect(result.current.counts).toMatchObject({ unassigned: 1, open: 1, resolved: 1 });
    expect(handlers.onError).not.toHaveBeenCalled();
  });

  it('asks the relay again once an announcement shows one was missed, and not for a stale one', async () => {
    const { id } = await desk.visitorWrites('Czy wysyłacie do Rumunii? Trimiteți în România?');
    const handlers = { onSignedOut: vi.fn(), onError: vi.fn() };
    const { result } = renderHook(() => useInbox(desk.client, OPEN, desk.ana.id, handlers));
    await eventually(() => expect(result.current.items.some((i) => i.conversation.id === id)).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const held = result.current.items.find((i) => i.conversation.id === id)!;
    const announce = (change: InboxChange) =>
      act(() => {
        for (const listener of desk.client.socket.listeners('inbox')) listener(change);
      });
    const fetches = vi.spyOn(globalThis, 'fetch');

    // The same revision again (a late copy): nothing moves, nothing is asked.
    await announce({
      item: { ...held, conversation: { ...held.conversation, status: 'resolved' } },
      revision: held.revision!,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fetches).not.toHaveBeenCalled();
    expect(result.current.items.some((i) => i.conversation.id === id)).toBe(true);

    // Two revisions on: one was missed, so the list and the counts are asked for again.
    const later = { ...held, conversation: { ...held.conversation, priority: 'urgent' as const } };
    await announce({
      item: later,
      revision: held.revision! + 2,
      before: { status: 'open', assigneeId: null },
    });
    expect(result.current.items.find((i) => i.conversation.id === id)?.conversation.priority).toBe('urgent');
    await eventually(() => expect(inboxCalls(fetches)).toBe(1));
    await eventually(() => expect(fetches).toHaveBeenCalledTimes(2));
    expect(handlers.onError).not.toHaveBeenCalled();
  });

  it('shows the newest query even when an older answer comes back after it', async () => {
    const real = globalThis.fetch;
    // The 'open' list answers late, as a slow search would.
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await real(input, init);
      if (String(input).includes('view=open')) await new Promise((resolve) => setTimeout(resolve, 500));
      return response;
    });
    const handlers = { onSignedOut: vi.fn(), onError: vi.fn() };
    const { result, rerender } = renderHook(
      ({ query }) => useInbox(desk.client, query, desk.ana.id, handlers),
      {
        initialProps: { query: OPEN },
      },
    );
    rerender({ query: { view: 'mine', sort: 'activity' } });
    await eventually(() => expect(result.current.loading).toBe(false));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(result.current.items).toEqual([]);
  });

  it('reports a refused query, and a session the relay no longer knows as signed out', async () => {
    const handlers = { onSignedOut: vi.fn(), onError: vi.fn() };
    const { rerender } = renderHook(({ query }) => useInbox(desk.client, query, desk.ana.id, handlers), {
      initialProps: { query: { ...OPEN, sort: 'loudest' } as unknown as InboxQuery },
    });
    await eventually(() => expect(handlers.onError).toHaveBeenCalledTimes(1));
    expect(handlers.onSignedOut).not.toHaveBeenCalled();

    await api.logout();
    await act(() => rerender({ query: OPEN }));
    await eventually(() => expect(handlers.onSignedOut).toHaveBeenCalledTimes(1));
    expect(handlers.onError).toHaveBeenCalledTimes(1);
  });
});
