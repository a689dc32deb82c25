// The conversation list of a view and the counts of every view, kept current by the relay's
// `inbox` announcements (inbox-changes.ts applies them). The relay is asked again only when the
// query changes, when the socket (re)connects, and when an announcement shows one was missed.
import type { AgentChatClient } from '@parley/client';
import type { InboxChange, InboxCounts, InboxItem, InboxQuery } from '@parley/protocol';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { countsAfter, Known, listAfter } from './inbox-changes';

export interface InboxHandlers {
  /** The relay no longer knows this session. */
  onSignedOut: () => void;
  onError: (message: string) => void;
}

/** How long after a reconnect or a gap the relay is asked: a burst of them asks once. */
const RESYNC_AFTER_MS = 150;
/** Counts asked for again when announcements came while they were on their way (bounded). */
const COUNT_ROUNDS = 3;

/**
 * Calls `resync` soon (once per burst) whenever the agent's socket connects again after the
 * first time; answers what asks for a resync after a gap. The timer calls whatever `resync` is
 * current when it fires, so a query changed meanwhile is the one asked for.
 */
function useResync(client: AgentChatClient, resync: () => void): () => void {
  const current = useRef(resync);
  current.current = resync;
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const soon = useCallback(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(() => current.current(), RESYNC_AFTER_MS);
  }, []);
  useEffect(() => {
    client.socket.on('connect', soon);
    return () => {
      client.socket.off('connect', soon);
      clearTimeout(pending.current);
    };
  }, [client, soon]);
  return soon;
}

/** Follows the relay's `inbox` announcements while mounted. */
function useInboxChanges(client: AgentChatClient, onChange: (change: InboxChange) => void): void {
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    const listener = (change: InboxChange) => handler.current(change);
    client.socket.on('inbox', listener);
    return () => {
      client.socket.off('inbox', listener);
    };
  }, [client]);
}

const report = (handlers: InboxHandlers | undefined, e: unknown) => {
  if (e instanceof ApiError && e.status === 401) handlers?.onSignedOut();
  else if (e instanceof ApiError) handlers?.onError(e.message);
};

/** One query's rows: fetched when it changes, on reconnect and after a gap; kept from announcements. */
export function useInboxList(
  client: AgentChatClient,
  query: InboxQuery,
  agentId: string,
  handlers?: InboxHandlers,
): { items: InboxItem[]; loading: boolean } {
  const [items, setItems] = useState<InboxItem[]>([]);
  const [loading, setLoading] = useState(true);
  const on = useRef(handlers);
  on.current = handlers;
  const known = useRef(new Known());

  // Answers can arrive out of order (a search typed while a resync runs): only the latest counts.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const request = ++latest.current;
    try {
      const list = await api.inbox(query);
      if (request !== latest.current) return;
      known.current.clear();
      known.current.rows(list.items);
      setItems(list.items);
    } catch (e) {
      if (request === latest.current) report(on.current, e);
    } finally {
      if (request === latest.current) setLoading(false);
    }
  }, [query]);
  const resyncSoon = useResync(client, () => void load());

  useEffect(() => {
    setLoading(true);
    void load();
  }, [load]);

  useInboxChanges(client, (change) => {
    const arrival = known.current.take(change);
    if (arrival === 'stale') return;
    setItems((list) => listAfter(list, change, query, agentId));
    if (arrival === 'gap') resyncSoon();
  });

  return { items, loading };
}

/** How many conversations each view holds: asked for on mount, reconnect and gap; kept from announcements. */
function useInboxCounts(
  client: AgentChatClient,
  agentId: string,
  handlers: InboxHandlers,
  /** Rows the relay answered or announced: the counts already hold them as they are. */
  rows: InboxItem[],
): InboxCounts | null {
  const [counts, setCounts] = useState<InboxCounts | null>(null);
  const on = useRef(handlers);
  on.current = handlers;
  const known = useRef(new Known());
  useEffect(() => known.current.rows(rows), [rows]);
  /** Announcements since the counts on their way were asked for: the answer may or may not hold them. */
  const arrived = useRef(0);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const request = ++latest.current;
    try {
      for (let round = 0; round < COUNT_ROUNDS; round++) {
        arrived.current = 0;
        const answer = await api.counts();
        if (request !== latest.current) return;
        setCounts(answer.counts);
        if (arrived.current === 0) return;
      }
    } catch (e) {
      if (request === latest.current) report(on.current, e);
    }
  }, []);
  const resyncSoon = useResync(client, () => void load());
  useEffect(() => {
    void load();
  }, [load]);

  useInboxChanges(client, (change) => {
    arrived.current++;
    const before = known.current.placement(change);
    const arrival = known.current.take(change);
    if (arrival === 'stale') return;
    if (before === undefined || arrival === 'gap') {
      resyncSoon();
      return;
    }
    setCounts((c) => c && countsAfter(c, before, change, agentId));
  });
  return counts;
}

export function useInbox(
  client: AgentChatClient,
  query: InboxQuery,
  agentId: string,
  handlers: InboxHandlers,
): { items: InboxItem[]; counts: InboxCounts | null; loading: boolean } {
  const { items, loading } = useInboxList(client, query, agentId, handlers);
  const counts = useInboxCounts(client, agentId, handlers, items);
  return { items, counts, loading };
}
