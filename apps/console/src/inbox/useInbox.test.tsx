// @vitest-environment node
// useInbox against a real relay: the list and counts of a view, one refetch per burst of events,
// a newer query never overwritten by an older answer, and a lost session.
import type { InboxQuery } from '@parley/protocol';
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
  it('lists the view with every count, and refetches once for the burst a new chat brings', async () => {
    const first = await desk.visitorWrites('Is the Ember mug dishwasher safe?');
    const handlers = { onSignedOut: vi.fn(), onError: vi.fn() };
    const { result } = renderHook(() => useInbox(desk.client, OPEN, handlers));
    expect(result.current.loading).toBe(true);
    await eventually(() => expect(result.current.items.map((i) => i.conversation.id)).toEqual([first.id]));
    expect(result.current.loading).toBe(false);
    expect(result.current.counts).toMatchObject({ unassigned: 1, open: 1, mine: 0 });

    const fetches = vi.spyOn(globalThis, 'fetch');
    const second = await desk.visitorWrites('Do you ship to Norway?');
    await eventually(() => expect(result.current.items).toHaveLength(2));
    expect(result.current.items[0]!.conversation.id).toBe(second.id);
    expect(result.current.counts).toMatchObject({ unassigned: 2, open: 2 });
    // The conversation and its first message arrived as two events: one list request for both.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(inboxCalls(fetches)).toBe(1);
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
    const { result, rerender } = renderHook(({ query }) => useInbox(desk.client, query, handlers), {
      initialProps: { query: OPEN },
    });
    rerender({ query: { view: 'mine', sort: 'activity' } });
    await eventually(() => expect(result.current.loading).toBe(false));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(result.current.items).toEqual([]);
  });

  it('reports a refused query, and a session the relay no longer knows as signed out', async () => {
    const handlers = { onSignedOut: vi.fn(), onError: vi.fn() };
    const { rerender } = renderHook(({ query }) => useInbox(desk.client, query, handlers), {
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
