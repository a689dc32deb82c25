// @vitest-environment node
// useConversation against a real relay: details and timeline of the open conversation, kept
// current by the relay's announcements (no request per message); the visitor typing; actions,
// including one a colleague beat.
import { act, cleanup, renderHook } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Desk, eventually, openDesk } from './testing';
import { useConversation } from './useConversation';

let desk: Desk;
beforeAll(async () => {
  desk = await openDesk();
});
afterEach(cleanup);
afterAll(async () => {
  await desk?.close();
});

describe('useConversation', () => {
  it('loads the open conversation, and follows its timeline and state as the visitor writes and types', async () => {
    const { id, visitor } = await desk.visitorWrites('Is the Ember mug dishwasher safe?');
    const onError = vi.fn();
    const { result } = renderHook(() => useConversation(desk.client, id, onError));
    expect(result.current.details).toBeNull();
    await eventually(() => expect(result.current.details?.conversation.id).toBe(id));
    await eventually(() =>
      expect(desk.client.timeline(id).map((e) => e.body)).toEqual(['Is the Ember mug dishwasher safe?']),
    );
    const seq = result.current.details!.conversation.seq;

    await new Promise((resolve) => setTimeout(resolve, 300));
    const fetches = vi.spyOn(globalThis, 'fetch');
    visitor.send(id, 'Chcę 4 sztuki, proszę. Vreau 4 bucăți.');
    await eventually(() => expect(result.current.details!.conversation.seq).toBe(seq + 1));
    await eventually(() =>
      expect(desk.client.timeline(id).map((e) => e.body)).toContain('Chcę 4 sztuki, proszę. Vreau 4 bucăți.'),
    );
    expect(fetches).not.toHaveBeenCalled();
    fetches.mockRestore();
    expect(result.current.typing).toBe(false);
    visitor.setTyping(id, true);
    await eventually(() => expect(result.current.typing).toBe(true));
    expect(onError).not.toHaveBeenCalled();
  });

  it('applies an action, and when a colleague was quicker says so and shows what they did', async () => {
    const { id } = await desk.visitorWrites('Can someone help with my order?');
    const onError = vi.fn();
    const { result } = renderHook(() => useConversation(desk.client, id, onError));
    await eventually(() => expect(result.current.details?.conversation.id).toBe(id));

    let changed: unknown;
    await act(async () => {
      changed = await result.current.act({ action: 'priority', priority: 'high' });
    });
    expect(changed).toMatchObject({ id, priority: 'high' });
    expect(result.current.details!.conversation.priority).toBe('high');

    // Bob takes it while Ana's screen still shows it unassigned.
    const taken = await desk.services.actions.apply(desk.bob, id, {
      action: 'assign',
      assigneeId: desk.bob.id,
      from: null,
    });
    expect(taken.ok).toBe(true);
    await act(async () => {
      changed = await result.current.act({ action: 'assign', assigneeId: desk.ana.id, from: null });
    });
    expect(changed).toBeNull();
    expect(onError).toHaveBeenCalledTimes(1);
    await eventually(() => expect(result.current.details!.conversation.assigneeId).toBe(desk.bob.id));
  });

  it('shows nothing for no conversation, one it cannot find, or one it closed', async () => {
    const { id } = await desk.visitorWrites('Hello?');
    const { result, rerender } = renderHook(
      ({ open }: { open: string | null }) => useConversation(desk.client, open, () => {}),
      { initialProps: { open: null as string | null } },
    );
    expect(result.current.details).toBeNull();
    expect(await result.current.act({ action: 'resolve' })).toBeNull();

    rerender({ open: id });
    await eventually(() => expect(result.current.details?.conversation.id).toBe(id));
    rerender({ open: '0123456789abcdef01234567' });
    expect(result.current.details).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(result.current.details).toBeNull();
    rerender({ open: null });
    expect(result.current.details).toBeNull();
  });
});
