// The inbox: views with live counts on the left, the conversation list in the middle, the open
// conversation (timeline, composer, actions) and its visitor panel on the right. Each part keeps
// itself current from the relay's events (useInbox, useConversation); alerts ring for new chats,
// replies in the agent's own chats, transfers to them, mentions and first replies running late.
import type { AgentChatClient } from '@parley/client';
import { newClientId } from '@parley/client';
import type {
  AgentProfile,
  ConversationAction,
  InboxQuery,
  InboxView,
  SignedInAgent,
} from '@parley/protocol';
import { useCallback, useMemo, useState } from 'preact/hooks';
import { Composer, type ComposerMode } from '../components/Composer';
import { ConversationHeader } from '../components/ConversationHeader';
import { InboxList } from '../components/InboxList';
import { Sidebar, VIEW_LABELS } from '../components/Sidebar';
import { Timeline } from '../components/Timeline';
import { VisitorPanel } from '../components/VisitorPanel';
import { EmailChannel } from '../email/EmailChannel';
import { useClientVersion } from '../live';
import { go } from '../route';
import { type Filters, InboxFilters } from './InboxFilters';
import { Toasts } from './Toasts';
import { useAlerts } from './useAlerts';
import { useClock } from './useClock';
import { useConversation } from './useConversation';
import { useDirectory } from './useDirectory';
import { useInbox } from './useInbox';
import { useToasts } from './useToasts';
import { useUnread } from './useUnread';
import './inbox.css';

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
  const query: InboxQuery = useMemo(() => ({ view, ...filters }), [view, filters]);
  const { toasts, toast } = useToasts();
  const onError = useCallback((message: string) => toast('error', message), [toast]);
  const now = useClock();
  const { agents, teams, canned } = useDirectory();
  const inbox = useInbox(client, query, me.agent.id, { onSignedOut: onSignOut, onError });
  const conversation = useConversation(client, conversationId, onError);
  const unread = useUnread(client, conversationId);
  // Re-renders the timeline as its entries arrive and change state.
  useClientVersion(client);

  const openConversation = useCallback((id: string) => go('inbox', view, id), [view]);
  const targets = useMemo(() => new Map(me.sites.map((s) => [s.id, s.firstResponseTargetSec])), [me.sites]);
  const showAlert = useCallback((text: string, id: string) => toast('alert', text, id), [toast]);
  const { assigned } = useAlerts({
    client,
    agentId: me.agent.id,
    conversationId,
    items: inbox.items,
    now,
    targets,
    open: openConversation,
    show: showAlert,
  });
  const agentNames = useMemo(() => new Map(agents.map((a) => [a.id, a.name])), [agents]);
  const tags = useMemo(
    () => [...new Set(inbox.items.flatMap((i) => i.conversation.tags))].sort(),
    [inbox.items],
  );

  const onAction = async (action: ConversationAction): Promise<boolean> => {
    const changed = await conversation.act(action);
    if (!changed) return false;
    assigned(changed);
    return true;
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

  const { details } = conversation;
  const site = details ? me.sites.find((s) => s.id === details.conversation.siteId) : undefined;

  return (
    <div class="workspace">
      <Sidebar me={me} view={view} counts={inbox.counts} onSignOut={onSignOut} onPresence={onPresence} />
      <section class="inbox" aria-label="Inbox">
        <header class="inbox-head">
          <h1>{filters.q ? 'Search results' : VIEW_LABELS[view]}</h1>
          <InboxFilters
            query={query}
            onChange={setFilters}
            sites={me.sites}
            agents={agents}
            teams={teams}
            tags={tags}
          />
        </header>
        <InboxList
          items={inbox.items}
          selectedId={conversationId}
          onSelect={openConversation}
          unread={unread}
          targets={targets}
          agentNames={agentNames}
          now={now}
          loading={inbox.loading}
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
              onChanged={(c) => void conversation.refresh(c.id)}
            />
            <Timeline
              entries={client.timeline(conversationId)}
              visitorName={details.visitor.name}
              typing={conversation.typing}
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
          <VisitorPanel details={details} now={now} onOpen={openConversation} />
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
      <Toasts toasts={toasts} onOpen={openConversation} />
    </div>
  );
}
