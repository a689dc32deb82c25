// The middle column: one row per conversation, who it is with, the last (or matching) message,
// how long the visitor has waited, and marks for priority, unread and an overdue first reply.
import type { InboxItem } from '@parley/protocol';
import { ago, duration } from '../format';
import { Avatar } from './Avatar';
import './InboxList.css';

export interface InboxListProps {
  items: InboxItem[];
  selectedId: string | null;
  onSelect: (conversationId: string) => void;
  /** Conversation ids with visitor messages the agent has not opened yet. */
  unread: ReadonlySet<string>;
  /** Each site's first-response target, in seconds. */
  targets: ReadonlyMap<string, number>;
  agentNames: ReadonlyMap<string, string>;
  now: number;
  loading?: boolean;
  emptyText?: string;
}

export function InboxList(props: InboxListProps) {
  const { items, now } = props;
  if (items.length === 0) {
    return (
      <div class="inbox-empty" role="status">
        {props.loading ? 'Loading…' : (props.emptyText ?? 'Nothing here. Enjoy the quiet.')}
      </div>
    );
  }
  return (
    <ul class="inbox-list" aria-label="Conversations">
      {items.map((item) => {
        const { conversation } = item;
        const waited = conversation.waitingSince ? (now - Date.parse(conversation.waitingSince)) / 1000 : 0;
        const target = props.targets.get(conversation.siteId) ?? 300;
        const overdue =
          conversation.status === 'open' && conversation.waitingSince !== null && waited > target;
        const unread = props.unread.has(conversation.id);
        const assignee = conversation.assigneeId ? props.agentNames.get(conversation.assigneeId) : null;
        const text = item.match?.body ?? item.preview?.body ?? 'No messages yet';
        const prefix = item.match
          ? ''
          : item.preview?.type === 'note'
            ? 'Note: '
            : item.preview?.author.kind === 'agent'
              ? `${item.preview.author.name ?? 'Agent'}: `
              : '';
        return (
          <li key={conversation.id}>
            <button
              type="button"
              class={`inbox-row${props.selectedId === conversation.id ? ' selected' : ''}${unread ? ' unread' : ''}`}
              aria-current={props.selectedId === conversation.id ? 'true' : undefined}
              data-conversation={conversation.id}
              onClick={() => props.onSelect(conversation.id)}
            >
              <Avatar id={conversation.visitorId} name={item.visitorName} size={36} />
              <span class="inbox-row-main">
                <span class="inbox-row-top">
                  <span class="inbox-row-name">{item.visitorName}</span>
                  <span class="inbox-row-time">
                    {ago(conversation.lastMessageAt ?? conversation.createdAt, now)}
                  </span>
                </span>
                <span class={`inbox-row-preview${item.match ? ' match' : ''}`}>
                  {prefix}
                  {text}
                </span>
                <span class="inbox-row-meta">
                  {conversation.priority !== 'none' && (
                    <span class={`chip priority-${conversation.priority}`}>{conversation.priority}</span>
                  )}
                  {conversation.channel === 'email' && <span class="chip">email</span>}
                  {conversation.waitingSince && conversation.status === 'open' && (
                    <span class={`chip ${overdue ? 'overdue' : 'waiting'}`} title="Waiting for a reply">
                      {overdue ? 'Overdue · ' : 'Waiting '}
                      {duration(waited)}
                    </span>
                  )}
                  {conversation.tags.slice(0, 2).map((tag) => (
                    <span key={tag} class="chip tag">
                      #{tag}
                    </span>
                  ))}
                  <span class="inbox-row-assignee">
                    {assignee ?? (conversation.status === 'resolved' ? '' : 'Unassigned')}
                  </span>
                </span>
              </span>
              {unread && <span class="unread-dot" title="Unread" />}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
