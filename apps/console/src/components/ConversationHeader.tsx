// Above the timeline: who the conversation is with and everything an agent can do to it.
// Every action names the state the agent saw (`from`), so a colleague's quicker click wins cleanly.
import type { AgentProfile, Conversation, ConversationAction, Priority, Team } from '@parley/protocol';
import { useState } from 'preact/hooks';
import { api, canWorkOn } from '../api';
import { OfferMeetingButton } from '../meetings/OfferMeetingButton';
import './ConversationHeader.css';

const PRIORITIES: Priority[] = ['none', 'low', 'medium', 'high', 'urgent'];

function snoozeOptions(now: Date): { label: string; until: Date }[] {
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  const nextWeek = new Date(now);
  nextWeek.setDate(now.getDate() + ((8 - now.getDay()) % 7 || 7));
  nextWeek.setHours(9, 0, 0, 0);
  return [
    { label: 'For 1 hour', until: new Date(now.getTime() + 3600_000) },
    { label: 'For 4 hours', until: new Date(now.getTime() + 4 * 3600_000) },
    { label: 'Until tomorrow 9:00', until: tomorrow },
    { label: 'Until Monday 9:00', until: nextWeek },
  ];
}

export interface ConversationHeaderProps {
  conversation: Conversation;
  visitorName: string;
  me: AgentProfile;
  agents: AgentProfile[];
  teams: Team[];
  onAction: (action: ConversationAction) => Promise<boolean>;
}

export function ConversationHeader({
  conversation,
  visitorName,
  me,
  agents,
  teams,
  onAction,
}: ConversationHeaderProps) {
  const [menu, setMenu] = useState<null | 'transfer' | 'snooze' | 'more'>(null);
  const [tag, setTag] = useState('');
  const [transferTo, setTransferTo] = useState('');
  const [transferNote, setTransferNote] = useState('');
  const from = conversation.assigneeId;
  const eligible = agents.filter((a) => canWorkOn(a, conversation.siteId));
  const act = async (action: ConversationAction) => {
    if (await onAction(action)) setMenu(null);
  };

  return (
    <header class="conversation-head">
      <div class="conversation-title">
        <h2>{visitorName}</h2>
        <span class={`status-pill ${conversation.status}`}>
          {conversation.status === 'snoozed' && conversation.snoozedUntil
            ? `snoozed until ${new Date(conversation.snoozedUntil).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' })}`
            : conversation.status}
        </span>
        <div class="title-actions">
          <OfferMeetingButton conversation={conversation} me={me} agents={agents} teams={teams} />
          {conversation.status === 'open' || conversation.status === 'pending' ? (
            <div class="menu-anchor">
              <button
                type="button"
                aria-expanded={menu === 'snooze'}
                onClick={() => setMenu(menu === 'snooze' ? null : 'snooze')}
              >
                Snooze
              </button>
              {menu === 'snooze' && (
                <ul class="popover menu right">
                  {snoozeOptions(new Date()).map((o) => (
                    <li key={o.label}>
                      <button
                        type="button"
                        onClick={() => void act({ action: 'snooze', until: o.until.toISOString() })}
                      >
                        {o.label}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ) : null}
          {conversation.status === 'resolved' || conversation.status === 'snoozed' ? (
            <button type="button" onClick={() => act({ action: 'reopen' })}>
              Reopen
            </button>
          ) : (
            <button type="button" class="resolve" onClick={() => act({ action: 'resolve' })}>
              ✓ Resolve
            </button>
          )}
        </div>
      </div>
      <div class="toolbar">
        {conversation.assigneeId !== me.id && conversation.status !== 'resolved' && (
          <button type="button" onClick={() => act({ action: 'assign', assigneeId: me.id, from })}>
            Assign to me
          </button>
        )}
        <label class="select">
          <span class="sr-only">Assignee</span>
          <select
            aria-label="Assignee"
            value={conversation.assigneeId ?? ''}
            onChange={(e) => {
              const value = (e.target as HTMLSelectElement).value;
              void act(value ? { action: 'assign', assigneeId: value, from } : { action: 'unassign', from });
            }}
          >
            <option value="">Unassigned</option>
            {eligible.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id === me.id ? `${a.name} (you)` : a.name}
              </option>
            ))}
          </select>
        </label>
        <label class="select">
          <span class="sr-only">Priority</span>
          <select
            aria-label="Priority"
            value={conversation.priority}
            onChange={(e) =>
              void act({ action: 'priority', priority: (e.target as HTMLSelectElement).value as Priority })
            }
          >
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p === 'none' ? 'No priority' : `Priority: ${p}`}
              </option>
            ))}
          </select>
        </label>
        <div class="menu-anchor">
          <button
            type="button"
            aria-expanded={menu === 'transfer'}
            onClick={() => setMenu(menu === 'transfer' ? null : 'transfer')}
          >
            Transfer
          </button>
          {menu === 'transfer' && (
            <form
              class="popover transfer-form"
              aria-label="Transfer"
              onSubmit={(e) => {
                e.preventDefault();
                const [kind, id] = transferTo.split(':');
                if (!id || !transferNote.trim()) return;
                void act({
                  action: 'transfer',
                  from,
                  to: kind === 'team' ? { teamId: id } : { agentId: id },
                  note: transferNote,
                }).then(() => setTransferNote(''));
              }}
            >
              <label>
                Transfer to
                <select
                  aria-label="Transfer to"
                  value={transferTo}
                  onChange={(e) => setTransferTo((e.target as HTMLSelectElement).value)}
                >
                  <option value="">Choose…</option>
                  <optgroup label="Agents">
                    {eligible
                      .filter((a) => a.id !== conversation.assigneeId)
                      .map((a) => (
                        <option key={a.id} value={`agent:${a.id}`}>
                          {a.name} {a.presence === 'online' ? '(online)' : `(${a.presence})`}
                        </option>
                      ))}
                  </optgroup>
                  {teams.length > 0 && (
                    <optgroup label="Teams">
                      {teams.map((t) => (
                        <option key={t.id} value={`team:${t.id}`}>
                          {t.name}
                        </option>
                      ))}
                    </optgroup>
                  )}
                </select>
              </label>
              <label>
                Note for them (why)
                <textarea
                  aria-label="Transfer note"
                  required
                  rows={3}
                  value={transferNote}
                  placeholder="e.g. Refund over €200 — needs billing approval"
                  onInput={(e) => setTransferNote((e.target as HTMLTextAreaElement).value)}
                />
              </label>
              <button type="submit" class="primary" disabled={!transferTo || !transferNote.trim()}>
                Transfer
              </button>
            </form>
          )}
        </div>
        <div class="menu-anchor">
          <button
            type="button"
            aria-label="More"
            aria-expanded={menu === 'more'}
            onClick={() => setMenu(menu === 'more' ? null : 'more')}
          >
            ⋯
          </button>
          {menu === 'more' && (
            <ul class="popover menu right">
              <li>
                <a href={api.exportUrl(conversation.id, 'json')} download>
                  Export JSON
                </a>
              </li>
              <li>
                <a href={api.exportUrl(conversation.id, 'csv')} download>
                  Export CSV
                </a>
              </li>
              <li>
                <a href={`#/print/${conversation.id}`} target="_blank" rel="noopener">
                  Printable transcript
                </a>
              </li>
            </ul>
          )}
        </div>
      </div>
      <div class="tag-bar">
        {conversation.tags.map((t) => (
          <span key={t} class="chip tag removable">
            #{t}
            <button
              type="button"
              aria-label={`Remove tag ${t}`}
              onClick={() => act({ action: 'untag', tag: t })}
            >
              ×
            </button>
          </span>
        ))}
        <form
          class="tag-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (!tag.trim()) return;
            void act({ action: 'tag', tag }).then(() => setTag(''));
          }}
        >
          <input
            aria-label="Add tag"
            placeholder="+ tag"
            value={tag}
            maxLength={40}
            onInput={(e) => setTag((e.target as HTMLInputElement).value)}
          />
        </form>
      </div>
    </header>
  );
}
