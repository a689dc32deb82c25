// When the console rings, once per reason: a visitor writes in a chat nobody or this agent has
// (a new chat or a new message) while the agent is not looking at it, a colleague mentions the
// agent in a note, a chat is handed to the agent, or a first reply runs late. Late replies are
// watched across every waiting chat the agent could answer, whatever view is on screen, as the
// relay announces them.
import type { AgentChatClient } from '@parley/client';
import type { Conversation, InboxItem, InboxQuery, Message } from '@parley/protocol';
import { useCallback, useEffect, useMemo, useRef } from 'preact/hooks';
import { duration } from '../format';
import { type Alert, raise } from '../notify';
import { useInboxList } from './useInbox';

const UNASSIGNED: InboxQuery = { view: 'unassigned', sort: 'waiting' };
const MINE: InboxQuery = { view: 'mine', sort: 'waiting' };

export interface AlertRules {
  client: AgentChatClient;
  agentId: string;
  conversationId: string | null;
  /** The conversations on screen. */
  items: InboxItem[];
  now: number;
  /** Each site's first-response target, in seconds (300 when a site has none). */
  targets: Map<string, number>;
  open: (conversationId: string) => void;
  /** Shows an alert in the inbox as well. */
  show: (text: string, conversationId: string) => void;
}

/** Returns what tells the rules of an assignment made here before the relay reports it. */
export function useAlerts({ client, agentId, conversationId, items, now, targets, open, show }: AlertRules): {
  assigned: (conversation: Conversation) => void;
} {
  const alerted = useRef(new Set<string>());
  const assignees = useRef(new Map<string, string | null>());
  const selected = useRef(conversationId);
  selected.current = conversationId;
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const shown = useRef(show);
  shown.current = show;

  const alert = useCallback(
    (a: Alert) => {
      if (alerted.current.has(a.key)) return;
      alerted.current.add(a.key);
      raise(a, open);
      shown.current(`${a.title} — ${a.body}`, a.conversationId);
    },
    [open],
  );

  const assigned = useCallback((conversation: Conversation) => {
    assignees.current.set(conversation.id, conversation.assigneeId);
  }, []);

  useEffect(() => {
    for (const item of items) assigned(item.conversation);
  }, [items, assigned]);

  useEffect(() => {
    const known = (id: string) =>
      itemsRef.current.some((i) => i.conversation.id === id) || client.conversations.has(id);
    const onMessage = (message: Message) => {
      const id = message.conversationId;
      const data = message.data;
      if (message.type === 'note' && Array.isArray(data?.agentIds) && data.agentIds.includes(agentId)) {
        alert({
          key: `mention:${message.id}`,
          title: `${message.author.name ?? 'A colleague'} mentioned you`,
          body: message.body,
          conversationId: id,
        });
      }
      const handedToMe =
        message.type === 'event' &&
        data?.by !== agentId &&
        ((data?.name === 'transferred' && data.toAgentId === agentId) ||
          (data?.name === 'assigned' && data.assigneeId === agentId));
      if (handedToMe) {
        alert({
          key: `assigned:${message.id}`,
          title: 'A conversation was assigned to you',
          body:
            typeof data?.note === 'string'
              ? `${message.author.name ?? 'A colleague'}: ${data.note}`
              : message.body,
          conversationId: id,
        });
      }
      if (message.author.kind !== 'visitor') return;
      if (selected.current === id && document.visibilityState === 'visible') return;
      const assignee = assignees.current.get(id) ?? client.conversations.get(id)?.assigneeId ?? null;
      if (assignee !== null && assignee !== agentId) return;
      const isNew = !known(id) || message.seq <= 1;
      alert({
        key: `message:${message.id}`,
        title: isNew ? 'New conversation' : 'New message',
        body: message.body,
        conversationId: id,
      });
    };
    const offs = [client.on('message', onMessage), client.on('conversation', assigned)];
    return () => {
      for (const off of offs) off();
    };
  }, [client, agentId, alert, assigned]);

  // The waiting conversations this agent could answer, kept from the relay's announcements.
  const unassigned = useInboxList(client, UNASSIGNED, agentId).items;
  const mine = useInboxList(client, MINE, agentId).items;
  const waiting = useMemo(() => [...unassigned, ...mine], [unassigned, mine]);
  useEffect(() => {
    for (const { conversation, visitorName } of [...items, ...waiting]) {
      if (conversation.status !== 'open' || !conversation.waitingSince) continue;
      if (conversation.assigneeId !== null && conversation.assigneeId !== agentId) continue;
      const target = targets.get(conversation.siteId) ?? 300;
      if ((now - Date.parse(conversation.waitingSince)) / 1000 <= target) continue;
      alert({
        key: `overdue:${conversation.id}:${conversation.waitingSince}`,
        title: `${visitorName} is waiting`,
        body: `No reply for over ${duration(target)}`,
        conversationId: conversation.id,
      });
    }
  }, [items, waiting, now, targets, agentId, alert]);

  return { assigned };
}
