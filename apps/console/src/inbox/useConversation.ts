// The open conversation: its details (conversation, visitor, site) fetched when it opens, on
// reconnect, and when the visitor's page, cart or profile change; its state kept current by the
// relay's `inbox` announcements; its timeline followed on the live client (replayed now and
// after every reconnect); whether the visitor is typing; and the actions an agent takes on it.
import type { AgentChatClient } from '@parley/client';
import type { Conversation, ConversationAction, ConversationDetails, InboxChange } from '@parley/protocol';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, problem } from '../api';

export interface OpenConversation {
  details: ConversationDetails | null;
  /** The visitor is typing in this conversation. */
  typing: boolean;
  refresh: (conversationId: string) => Promise<void>;
  /** The conversation as changed, or null when the relay refused (the reason went to onError). */
  act: (action: ConversationAction) => Promise<Conversation | null>;
}

export function useConversation(
  client: AgentChatClient,
  conversationId: string | null,
  onError: (message: string) => void,
): OpenConversation {
  const [details, setDetails] = useState<ConversationDetails | null>(null);
  const [typing, setTyping] = useState<Record<string, boolean>>({});
  const selected = useRef(conversationId);
  selected.current = conversationId;
  const reportError = useRef(onError);
  reportError.current = onError;

  const latest = useRef(0);
  /** The latest announcement applied to the open conversation; older ones arriving late are dropped. */
  const revision = useRef(0);
  const refresh = useCallback(async (id: string) => {
    // Reconnects, visitor changes and actions can overlap: the latest answer wins.
    const request = ++latest.current;
    try {
      const d = await api.conversation(id);
      if (request === latest.current && selected.current === id) setDetails(d);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'not_found') setDetails(null);
    }
  }, []);

  // A page load reports the visitor's context and attributes together: one refetch for a burst.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refreshSoon = useCallback(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      if (selected.current) void refresh(selected.current);
    }, 150);
  }, [refresh]);
  useEffect(() => () => clearTimeout(pending.current), []);

  useEffect(() => {
    const onChange = ({ item, revision: r }: InboxChange) => {
      const { conversation } = item;
      if (conversation.id !== selected.current || r <= revision.current) return;
      revision.current = r;
      setDetails((d) => (d && d.conversation.id === conversation.id ? { ...d, conversation } : d));
    };
    client.socket.on('inbox', onChange);
    // Announcements missed while the socket was away: the details are asked for again.
    client.socket.on('connect', refreshSoon);
    return () => {
      client.socket.off('inbox', onChange);
      client.socket.off('connect', refreshSoon);
    };
  }, [client, refreshSoon]);

  // The visitor panel follows the visitor's page, cart and profile as the relay reports changes.
  const shownVisitor = useRef<string | null>(null);
  shownVisitor.current = details?.visitor.id ?? null;
  useEffect(() => {
    const onVisitor = ({ visitorId }: { visitorId: string }) => {
      if (shownVisitor.current === visitorId) refreshSoon();
    };
    client.socket.on('visitor', onVisitor);
    return () => {
      client.socket.off('visitor', onVisitor);
    };
  }, [client, refreshSoon]);

  useEffect(() => {
    setDetails(null);
    revision.current = 0;
    if (!conversationId) return;
    void client.follow(conversationId);
    void refresh(conversationId);
  }, [client, conversationId, refresh]);

  useEffect(
    () =>
      client.on('typing', (event) => {
        if (event.author.kind !== 'visitor') return;
        setTyping((t) => ({ ...t, [event.conversationId]: event.typing }));
      }),
    [client],
  );

  const act = async (action: ConversationAction): Promise<Conversation | null> => {
    if (!details) return null;
    try {
      const { conversation } = await api.act(details.conversation.id, action);
      setDetails((d) => (d && d.conversation.id === conversation.id ? { ...d, conversation } : d));
      return conversation;
    } catch (e) {
      reportError.current(problem(e, 'That did not work, try again'));
      void refresh(details.conversation.id);
      return null;
    }
  };

  return { details, typing: Boolean(conversationId && typing[conversationId]), refresh, act };
}
