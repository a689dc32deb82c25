// The conversation list of a view and the counts of every view, kept current: fetched again when
// the query changes and, once per burst, when the relay reports a message or a conversation.
import type { AgentChatClient } from '@parley/client';
import type { InboxCounts, InboxItem, InboxQuery } from '@parley/protocol';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api';

export interface InboxHandlers {
  /** The relay no longer knows this session. */
  onSignedOut: () => void;
  onError: (message: string) => void;
}

export function useInbox(
  client: AgentChatClient,
  query: InboxQuery,
  handlers: InboxHandlers,
): { items: InboxItem[]; counts: InboxCounts | null; loading: boolean; refreshSoon: () => void } {
  const [items, setItems] = useState<InboxItem[]>([]);
  const [counts, setCounts] = useState<InboxCounts | null>(null);
  const [loading, setLoading] = useState(true);
  const on = useRef(handlers);
  on.current = handlers;

  // Answers can arrive out of order (a search typed while a refresh runs): only the latest counts.
  const latest = useRef(0);
  const refresh = useCallback(async () => {
    const request = ++latest.current;
    try {
      const [list, c] = await Promise.all([api.inbox(query), api.counts()]);
      if (request !== latest.current) return;
      setItems(list.items);
      setCounts(c.counts);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) on.current.onSignedOut();
      else if (e instanceof ApiError) on.current.onError(e.message);
    } finally {
      setLoading(false);
    }
  }, [query]);

  // Many events arrive together (a message and its conversation): one refresh for a burst.
  // The timer calls whatever refresh is current when it fires, so a search or a filter typed
  // meanwhile is not overwritten by the list it replaced.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const current = useRef(refresh);
  current.current = refresh;
  const refreshSoon = useCallback(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(() => void current.current(), 150);
  }, []);
  useEffect(() => () => clearTimeout(pending.current), []);

  useEffect(() => {
    setLoading(true);
    void refresh();
  }, [refresh]);

  useEffect(() => {
    const offs = [client.on('message', refreshSoon), client.on('conversation', refreshSoon)];
    return () => {
      for (const off of offs) off();
    };
  }, [client, refreshSoon]);

  return { items, counts, loading, refreshSoon };
}
