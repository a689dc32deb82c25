// @vitest-environment node
// useUnread against a real relay: unread chats in the tab title, cleared when opened; what is on
// screen is marked seen on the relay as it arrives.
import { cleanup, renderHook } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Desk, eventually, openDesk } from './testing';
import { useUnread } from './useUnread';

let desk: Desk;
beforeAll(async () => {
  desk = await openDesk();
});
afterEach(cleanup);
afterAll(async () => {
  await desk?.close();
});

describe('useUnread', () => {
  it('counts chats with unseen visitor messages in the title and clears the one opened', async () => {
    const { result, rerender } = renderHook(
      ({ open }: { open: string | null }) => useUnread(desk.client, open),
      { initialProps: { open: null as string | null } },
    );
    const first = await desk.visitorWrites('Is the Ember mug dishwasher safe?');
    const second = await desk.visitorWrites('Do you ship to Norway?');
    await eventually(() => expect([...result.current].sort()).toEqual([first.id, second.id].sort()));
    expect(document.title).toBe('(2) Parley');

    rerender({ open: first.id });
    expect([...result.current]).toEqual([second.id]);
    await eventually(() => expect(document.title).toBe('(1) Parley'));
  });

  it('marks what the agent has on screen as seen, on the relay too', async () => {
    const { id, visitor } = await desk.visitorWrites('Hello?');
    const { result } = renderHook(() => useUnread(desk.client, id));
    visitor.send(id, 'Anyone?');
    await eventually(async () => {
      const conversation = await desk.services.conversations.get(
        { kind: 'agent', agentId: desk.ana.id, name: desk.ana.name, siteIds: desk.ana.siteIds },
        id,
      );
      expect(conversation?.agentSeenSeq).toBe(conversation?.seq);
    });
    expect(result.current.has(id)).toBe(false);
  });
});
