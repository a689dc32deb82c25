// The left rail: views with their live counts, the agent's presence, and administration.
import type { AgentProfile, InboxCounts, InboxView, Presence, SignedInAgent } from '@parley/protocol';
import { INBOX_VIEWS } from '@parley/protocol';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { alertsUnlocked, unlockAlerts } from '../notify';
import { Avatar } from './Avatar';
import './Sidebar.css';

/** The inbox views' names, in the sidebar and as the list's title. */
export const VIEW_LABELS: Record<InboxView, string> = {
  unassigned: 'Unassigned',
  mine: 'Mine',
  open: 'All open',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

const ICONS: Record<InboxView, string> = {
  unassigned: '◌',
  mine: '◉',
  open: '☰',
  snoozed: '◷',
  resolved: '✓',
};

export function Sidebar({
  me,
  view,
  counts,
  onSignOut,
  onPresence,
  section = 'inbox',
}: {
  me: SignedInAgent;
  view: InboxView | null;
  counts: InboxCounts | null;
  onSignOut: () => void;
  onPresence: (agent: AgentProfile) => void;
  section?: 'inbox' | 'settings' | 'meetings' | 'email';
}) {
  const [unlocked, setUnlocked] = useState(alertsUnlocked());
  const setPresence = async (presence: Presence) => {
    try {
      onPresence((await api.setPresence(presence)).agent);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onSignOut();
    }
  };
  return (
    <nav class="sidebar" aria-label="Views">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true" />
        Parley
      </div>
      <ul class="views">
        {INBOX_VIEWS.map((v) => (
          <li key={v}>
            <a
              href={`#/inbox/${v}`}
              class={section === 'inbox' && view === v ? 'active' : ''}
              aria-current={section === 'inbox' && view === v ? 'page' : undefined}
            >
              <span class="view-icon" aria-hidden="true">
                {ICONS[v]}
              </span>
              <span class="view-label">{VIEW_LABELS[v]}</span>
              <span
                class={`count${v === 'unassigned' && (counts?.[v] ?? 0) > 0 ? ' hot' : ''}`}
                data-view={v}
              >
                {counts ? counts[v] : ''}
              </span>
            </a>
          </li>
        ))}
      </ul>
      <div class="sidebar-section">Workspace</div>
      <ul class="views">
        <li>
          <a
            href="#/meetings/upcoming"
            class={section === 'meetings' ? 'active' : ''}
            aria-current={section === 'meetings' ? 'page' : undefined}
          >
            <span class="view-icon" aria-hidden="true">
              ◷
            </span>
            <span class="view-label">Meetings</span>
          </a>
        </li>
        <li>
          <a
            href="#/email/mailbox"
            class={section === 'email' ? 'active' : ''}
            aria-current={section === 'email' ? 'page' : undefined}
          >
            <span class="view-icon" aria-hidden="true">
              ✉
            </span>
            <span class="view-label">Email</span>
          </a>
        </li>
        {me.agent.role === 'admin' && (
          <li>
            <a href="#/settings/sites" class={section === 'settings' ? 'active' : ''}>
              <span class="view-icon" aria-hidden="true">
                ⚙
              </span>
              <span class="view-label">Settings</span>
            </a>
          </li>
        )}
        <li>
          <a href="#/settings/canned">
            <span class="view-icon" aria-hidden="true">
              ⌁
            </span>
            <span class="view-label">Canned responses</span>
          </a>
        </li>
      </ul>
      <div class="sidebar-foot">
        {!unlocked && (
          <button
            type="button"
            class="alerts-off"
            onClick={() => void unlockAlerts().then(() => setUnlocked(true))}
          >
            🔔 Turn on sound alerts
          </button>
        )}
        <div class="me">
          <Avatar id={me.agent.id} name={me.agent.name} size={32} />
          <div class="me-text">
            <strong>{me.agent.name}</strong>
            <select
              aria-label="Presence"
              class={`presence ${me.agent.presence}`}
              value={me.agent.presence}
              onChange={(e) => void setPresence((e.target as HTMLSelectElement).value as Presence)}
            >
              <option value="online">● Online</option>
              <option value="away">● Away</option>
              <option value="offline">● Offline</option>
            </select>
          </div>
          <button type="button" class="link small" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </div>
    </nav>
  );
}
