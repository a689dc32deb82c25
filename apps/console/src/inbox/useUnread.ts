// Which chats have visitor messages this agent has not seen, counted in the tab title; what the
// agent has on screen is marked seen as it arrives, and when the tab comes back to the front.
import type { AgentChatClient } from '@parley/client';
import type { Message } from '@parley/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useClientVersion } from '../live';
import { titleFor } from '../notify';

export function useUnread(client: AgentChatClient, conversationId: string | null): Set<string> {
  const [unread, setUnread] = useState<Set<string>>(new Set());
  const version = useClientVersion(client);
  const selected = useRef(conversationId);
  selected.current = conversationId;

  const seen = (id: string) =>
    setUnread((u) => {
      if (!u.has(id)) return u;
      const next = new Set(u);
      next.delete(id);
      return next;
    });

  useEffect(() => {
    if (conversationId) seen(conversationId);
  }, [conversationId]);

  useEffect(
    () =>
      client.on('message', (message: Message) => {
        if (message.author.kind !== 'visitor') return;
        const id = message.conversationId;
        if (selected.current === id && document.visibilityState === 'visible') void client.markSeen(id);
        else setUnread((u) => new Set(u).add(id));
      }),
    [client],
  );

  useEffect(() => {
    document.title = titleFor(unread.size);
  }, [unread]);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState !== 'visible' || !selected.current) return;
      void client.markSeen(selected.current);
      seen(selected.current);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [client]);

  // Runs again as entries arrive (version), so what the agent has on screen is marked seen.
  useEffect(() => {
    if (!conversationId || document.visibilityState !== 'visible') return;
    const seenSeq = client.conversations.get(conversationId)?.agentSeenSeq ?? 0;
    if (client.lastSeq(conversationId) > seenSeq) void client.markSeen(conversationId);
  }, [client, conversationId, version]);

  return unread;
}
