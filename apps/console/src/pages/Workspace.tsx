// The inbox: views with live counts on the left, the conversation list in the middle, the open
// conversation (timeline, composer, actions) and its visitor panel on the right. Every event
// from the relay refreshes what it touches; alerts ring for new chats, replies in the agent's
// own chats, transfers to them, mentions and first replies running late.
import type { AgentChatClient } from '@parley/client';
import { newClientId } from '@parley/client';
import type {
  AgentProfile,
  CannedResponse,
  ConversationAction,
  ConversationDetails,
  InboxCounts,
  InboxItem,
  InboxQuery,
  InboxView,
  Message,
  SignedInAgent,
  Team,
} from '@parley/protocol';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, problem } from '../api';
import { Composer, type ComposerMode } from '../components/Composer';
import { ConversationHeader } from '../components/ConversationHeader';
import { InboxList } from '../components/InboxList';
import { Sidebar, VIEW_LABELS } from '../components/Sidebar';
import { Timeline } from '../components/Timeline';
import { VisitorPanel } from '../components/VisitorPanel';
import { EmailChannel } from '../email/EmailChannel';
import { duration } from '../format';
import { useClientVersion } from '../live';
import { type Alert, raise, titleFor } from '../notify';
import { go } from '../route';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'alert';
  text: string;
  conversationId?: string;
}

type Filters = Omit<InboxQuery, 'view'>;

export function Workspace({
  me,
  client,
  view,
  conversationId,
  onSignOut,
  onPresence,
}: {
  me: SignedInAgent;
  client: AgentChatClient;
  view: InboxView;
  conversationId: string | null;
  onSignOut: () => void;
  onPresence: (agent: AgentProfile) => void;
}) {
  const [filters, setFilters] = useState<Filters>({ sort: 'activity' });
  const [items, setItems] = useState<InboxItem[]>([]);
  const [loading, setLoading] = useState(true);
  const [counts, setCounts] = useState<InboxCounts | null>(null);
  const [agents, setAgents] = useState<AgentProfile[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [canned, setCanned] = useState<CannedResponse[]>([]);
  const [details, setDetails] = useState<ConversationDetails | null>(null);
  const [unread, setUnread] = useState<Set<string>>(new Set());
  const [typing, setTyping] = useState<Record<string, boolean>>({});
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [showFilters, setShowFilters] = useState(false);
  const [now, setNow] = useState(Date.now());
  const version = useClientVersion(client);
  const alerted = useRef(new Set<string>());
  const assignees = useRef(new Map<string, string | null>());
  const selected = useRef(conversationId);
  selected.current = conversationId;
  const itemsRef = useRef(items);
  itemsRef.current = items;

  const targets = useMemo(() => new Map(me.sites.map((s) => [s.id, s.firstResponseTargetSec])), [me.sites]);
  const agentNames = useMemo(() => new Map(agents.map((a) => [a.id, a.name])), [agents]);
  const query: InboxQuery = useMemo(() => ({ view, ...filters }), [view, filters]);
  const activeFilters = (['siteId', 'channel', 'priority', 'assigneeId', 'teamId', 'tag'] as const).filter(
    (key) => filters[key] !== undefined,
  ).length;

  const toast = useCallback((kind: Toast['kind'], text: string, conversation?: string) => {
    const id = Date.now() + Math.random();
    setToasts((list) => [
      ...list.slice(-3),
      { id, kind, text, ...(conversation ? { conversationId: conversation } : {}) },
    ]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), kind === 'error' ? 8000 : 6000);
  }, []);

  const open = useCallback((id: string) => go('inbox', view, id), [view]);

  const alert = useCallback(
    (a: Alert) => {
      if (alerted.current.has(a.key)) return;
      alerted.current.add(a.key);
      raise(a, open);
      toast('alert', `${a.title} — ${a.body}`, a.conversationId);
    },
    [open, toast],
  );

  // Answers can arrive out of order (a search typed while a refresh runs): only the latest counts.
  const latestList = useRef(0);
  const refreshList = useCallback(async () => {
    const request = ++latestList.current;
    try {
      const [list, c] = await Promise.all([api.inbox(query), api.counts()]);
      if (request !== latestList.current) return;
      setItems(list.items);
      setCounts(c.counts);
      for (const item of list.items)
        assignees.current.set(item.conversation.id, item.conversation.assigneeId);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onSignOut();
      else if (e instanceof ApiError) toast('error', e.message);
    } finally {
      setLoading(false);
    }
  }, [query, onSignOut, toast]);

  const latestDetails = useRef(0);
  const refreshDetails = useCallback(async (id: string) => {
    // Pushes, the fallback timer and actions can overlap: the latest answer wins.
    const request = ++latestDetails.current;
    try {
      const d = await api.conversation(id);
      if (request === latestDetails.current && selected.current === id) setDetails(d);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'not_found') setDetails(null);
    }
  }, []);

  // Many events arrive together (a message and its conversation): one refresh for a burst.
  // The timer calls whatever refresh is current when it fires, so a search or a filter typed
  // meanwhile is not overwritten by the list it replaced.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const currentRefresh = useRef(refreshList);
  currentRefresh.current = refreshList;
  const refreshSoon = useCallback(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      void currentRefresh.current();
      if (selected.current) void refreshDetails(selected.current);
    }, 150);
  }, [refreshDetails]);

  useEffect(() => {
    setLoading(true);
    void refreshList();
  }, [refreshList]);

  useEffect(() => {
    void Promise.all([api.agents(), api.teams(), api.canned()]).then(([a, t, c]) => {
      setAgents(a.agents);
      setTeams(t.teams);
      setCanned(c.canned);
    });
  }, []);

  // The clock for waits and local times, and a fallback refresh of the visitor panel.
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
      if (selected.current && document.visibilityState === 'visible') void refreshDetails(selected.current);
    }, 10_000);
    return () => clearInterval(timer);
  }, [refreshDetails]);

  // The visitor panel follows the visitor's page, cart and profile as the relay reports changes.
  const shownVisitor = useRef<string | null>(null);
  shownVisitor.current = details?.visitor.id ?? null;
  useEffect(() => {
    // A page load reports context and attributes together: one refetch for a burst.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onVisitor = ({ visitorId }: { visitorId: string }) => {
      if (shownVisitor.current !== visitorId) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (selected.current) void refreshDetails(selected.current);
      }, 150);
    };
    client.socket.on('visitor', onVisitor);
    return () => {
      clearTimeout(timer);
      client.socket.off('visitor', onVisitor);
    };
  }, [client, refreshDetails]);

  // The open conversation: its timeline is followed (replayed now and after every reconnect).
  useEffect(() => {
    setDetails(null);
    if (!conversationId) return;
    void client.follow(conversationId);
    void refreshDetails(conversationId);
    setUnread((u) => {
      if (!u.has(conversationId)) return u;
      const next = new Set(u);
      next.delete(conversationId);
      return next;
    });
  }, [client, conversationId, refreshDetails]);

  useEffect(() => {
    const known = (id: string) =>
      itemsRef.current.some((i) => i.conversation.id === id) || client.conversations.has(id);
    const onMessage = (message: Message) => {
      refreshSoon();
      const id = message.conversationId;
      if (
        message.type === 'note' &&
        Array.isArray(message.data?.agentIds) &&
        message.data.agentIds.includes(me.agent.id)
      ) {
        alert({
          key: `mention:${message.id}`,
          title: `${message.author.name ?? 'A colleague'} mentioned you`,
          body: message.body,
          conversationId: id,
        });
      }
      const data = message.data;
      const handedToMe =
        message.type === 'event' &&
        data?.by !== me.agent.id &&
        ((data?.name === 'transferred' && data.toAgentId === me.agent.id) ||
          (data?.name === 'assigned' && data.assigneeId === me.agent.id));
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
      const looking = selected.current === id && document.visibilityState === 'visible';
      if (looking) {
        void client.markSeen(id);
        return;
      }
      setUnread((u) => new Set(u).add(id));
      const assignee = assignees.current.get(id) ?? client.conversations.get(id)?.assigneeId ?? null;
      if (assignee !== null && assignee !== me.agent.id) return;
      const isNew = !known(id) || message.seq <= 1;
      alert({
        key: `message:${message.id}`,
        title: isNew ? 'New conversation' : 'New message',
        body: message.body,
        conversationId: id,
      });
    };
    const onConversation = (conversation: InboxItem['conversation']) => {
      refreshSoon();
      assignees.current.set(conversation.id, conversation.assigneeId);
    };
    const onTyping = (event: { conversationId: string; author: { kind: string }; typing: boolean }) => {
      if (event.author.kind !== 'visitor') return;
      setTyping((t) => ({ ...t, [event.conversationId]: event.typing }));
    };
    const offs = [
      client.on('message', onMessage),
      client.on('conversation', onConversation),
      client.on('typing', onTyping),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [client, me.agent.id, alert, refreshSoon]);

  // First replies running late raise an alert once per wait, whatever view is on screen: the
  // waiting conversations this agent could answer are fetched on their own, on the clock's tick.
  const [waiting, setWaiting] = useState<InboxItem[]>([]);
  useEffect(() => {
    void Promise.all([
      api.inbox({ view: 'unassigned', sort: 'waiting' }),
      api.inbox({ view: 'mine', sort: 'waiting' }),
    ]).then(
      ([unassigned, mine]) => setWaiting([...unassigned.items, ...mine.items]),
      () => {},
    );
  }, [now]);
  useEffect(() => {
    for (const { conversation, visitorName } of [...items, ...waiting]) {
      if (conversation.status !== 'open' || !conversation.waitingSince) continue;
      if (conversation.assigneeId !== null && conversation.assigneeId !== me.agent.id) continue;
      const target = targets.get(conversation.siteId) ?? 300;
      if ((now - Date.parse(conversation.waitingSince)) / 1000 <= target) continue;
      alert({
        key: `overdue:${conversation.id}:${conversation.waitingSince}`,
        title: `${visitorName} is waiting`,
        body: `No reply for over ${duration(target)}`,
        conversationId: conversation.id,
      });
    }
  }, [items, waiting, now, targets, me.agent.id, alert]);

  useEffect(() => {
    document.title = titleFor(unread.size);
  }, [unread]);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && selected.current) {
        void client.markSeen(selected.current);
        setUnread((u) => {
          const next = new Set(u);
          next.delete(selected.current!);
          return next;
        });
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [client]);

  // Runs again as entries arrive (version), so what the agent has on screen is marked seen.
  useEffect(() => {
    if (!conversationId || document.visibilityState !== 'visible') return;
    const seen = client.conversations.get(conversationId)?.agentSeenSeq ?? 0;
    if (client.lastSeq(conversationId) > seen) void client.markSeen(conversationId);
  }, [client, conversationId, version]);

  const onAction = async (action: ConversationAction): Promise<boolean> => {
    if (!details) return false;
    try {
      const { conversation } = await api.act(details.conversation.id, action);
      setDetails((d) => (d && d.conversation.id === conversation.id ? { ...d, conversation } : d));
      assignees.current.set(conversation.id, conversation.assigneeId);
      refreshSoon();
      return true;
    } catch (e) {
      toast('error', problem(e, 'That did not work, try again'));
      void refreshDetails(details.conversation.id);
      return false;
    }
  };

  const onSend = (body: string, mode: ComposerMode) => {
    if (!conversationId) return;
    if (mode === 'reply') {
      client.send(conversationId, body);
      return;
    }
    void client
      .request('note:send', { conversationId, clientMsgId: newClientId(), body }, 8000)
      .then((result) => {
        if (result.ok) return;
        toast('error', `Note not saved: ${result.message}`);
      });
  };

  const entries = conversationId ? client.timeline(conversationId) : [];
  const site = details ? me.sites.find((s) => s.id === details.conversation.siteId) : undefined;
  const tags = useMemo(() => [...new Set(items.flatMap((i) => i.conversation.tags))].sort(), [items]);

  return (
    <div class="workspace">
      <Sidebar me={me} view={view} counts={counts} onSignOut={onSignOut} onPresence={onPresence} />
      <section class="inbox" aria-label="Inbox">
        <header class="inbox-head">
          <h1>{filters.q ? 'Search results' : VIEW_LABELS[view]}</h1>
          <form
            class="search"
            onSubmit={(e) => {
              e.preventDefault();
              const q = (new FormData(e.target as HTMLFormElement).get('q') as string).trim();
              setFilters((f) => ({ ...f, q: q || undefined }));
            }}
          >
            <input
              name="q"
              type="search"
              aria-label="Search transcripts"
              placeholder="Search transcripts…"
              defaultValue={filters.q ?? ''}
            />
          </form>
          <div class="filters">
            <select
              aria-label="Sort"
              value={filters.sort}
              onChange={(e) =>
                setFilters((f) => ({
                  ...f,
                  sort: (e.target as HTMLSelectElement).value as 'waiting' | 'activity',
                }))
              }
            >
              <option value="activity">Latest activity</option>
              <option value="waiting">Longest waiting</option>
            </select>
            <button
              type="button"
              class={`filter-toggle${activeFilters > 0 ? ' active' : ''}`}
              aria-expanded={showFilters}
              onClick={() => setShowFilters(!showFilters)}
            >
              Filters{activeFilters > 0 ? ` · ${activeFilters}` : ''}
            </button>
            <a
              class="export-link"
              href={api.exportSetUrl(query, 'csv')}
              download
              title="Export these conversations as CSV"
            >
              Export
            </a>
          </div>
          {showFilters && (
            <div class="filters more-filters">
              {me.sites.length > 1 && (
                <select
                  aria-label="Site"
                  value={filters.siteId ?? ''}
                  onChange={(e) =>
                    setFilters((f) => ({ ...f, siteId: (e.target as HTMLSelectElement).value || undefined }))
                  }
                >
                  <option value="">All sites</option>
                  {me.sites.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
              <select
                aria-label="Channel"
                value={filters.channel ?? ''}
                onChange={(e) =>
                  setFilters((f) => ({
                    ...f,
                    channel: ((e.target as HTMLSelectElement).value || undefined) as Filters['channel'],
                  }))
                }
              >
                <option value="">Any channel</option>
                <option value="chat">Chat</option>
                <option value="email">Email</option>
                <option value="meeting">Meetings</option>
              </select>
              <select
                aria-label="Priority filter"
                value={filters.priority ?? ''}
                onChange={(e) =>
                  setFilters((f) => ({
                    ...f,
                    priority: ((e.target as HTMLSelectElement).value || undefined) as Filters['priority'],
                  }))
                }
              >
                <option value="">Any priority</option>
                {['urgent', 'high', 'medium', 'low'].map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
              <select
                aria-label="Assignee filter"
                value={filters.assigneeId ?? ''}
                onChange={(e) =>
                  setFilters((f) => ({
                    ...f,
                    assigneeId: (e.target as HTMLSelectElement).value || undefined,
                  }))
                }
              >
                <option value="">Anyone</option>
                {agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
              {teams.length > 0 && (
                <select
                  aria-label="Team filter"
                  value={filters.teamId ?? ''}
                  onChange={(e) =>
                    setFilters((f) => ({ ...f, teamId: (e.target as HTMLSelectElement).value || undefined }))
                  }
                >
                  <option value="">Any team</option>
                  {teams.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </select>
              )}
              {(tags.length > 0 || filters.tag) && (
                <select
                  aria-label="Tag filter"
                  value={filters.tag ?? ''}
                  onChange={(e) =>
                    setFilters((f) => ({ ...f, tag: (e.target as HTMLSelectElement).value || undefined }))
                  }
                >
                  <option value="">Any tag</option>
                  {[...new Set([...tags, ...(filters.tag ? [filters.tag] : [])])].map((t) => (
                    <option key={t} value={t}>
                      #{t}
                    </option>
                  ))}
                </select>
              )}
            </div>
          )}
        </header>
        <InboxList
          items={items}
          selectedId={conversationId}
          onSelect={open}
          unread={unread}
          targets={targets}
          agentNames={agentNames}
          now={now}
          loading={loading}
          emptyText={filters.q ? 'No transcript matches that search.' : undefined}
        />
      </section>
      {conversationId && details ? (
        <>
          <section class="conversation" aria-label="Conversation">
            <ConversationHeader
              conversation={details.conversation}
              visitorName={details.visitor.name}
              me={me.agent}
              agents={agents}
              teams={teams}
              onAction={onAction}
            />
            <EmailChannel
              conversation={details.conversation}
              visitorEmail={details.visitor.email}
              onChanged={(c) => void refreshDetails(c.id)}
            />
            <Timeline
              entries={entries}
              visitorName={details.visitor.name}
              typing={Boolean(typing[conversationId])}
              agentNames={agents.map((a) => a.name)}
              onRetry={(id) => client.retry(id)}
            />
            <Composer
              canned={canned}
              variables={{
                'visitor.name': details.visitor.named ? details.visitor.name : 'there',
                'agent.name': me.agent.name,
                'site.name': site?.name ?? details.site.name,
              }}
              onSend={onSend}
              onTyping={(t) => client.setTyping(conversationId, t)}
            />
          </section>
          <VisitorPanel details={details} now={now} onOpen={open} />
        </>
      ) : (
        <section class="conversation empty" aria-label="Conversation">
          <div class="empty-state">
            <div class="empty-illustration" aria-hidden="true" />
            <h2>{conversationId ? 'Loading conversation…' : 'Pick a conversation'}</h2>
            <p class="muted">New chats ring and show up here as they arrive.</p>
          </div>
        </section>
      )}
      <div class="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} class={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
            {t.conversationId ? (
              <button type="button" class="link" onClick={() => open(t.conversationId!)}>
                {t.text}
              </button>
            ) : (
              t.text
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
