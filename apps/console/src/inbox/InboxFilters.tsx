// Above the conversation list: the transcript search, the sort, the export of what is listed,
// and the filters (site, channel, priority, assignee, team, tag) behind a toggle that counts them.
import type { AgentProfile, InboxQuery, SignedInAgent, Team } from '@parley/protocol';
import { useState } from 'preact/hooks';
import { api } from '../api';
import './inbox.css';

export type Filters = Omit<InboxQuery, 'view'>;

const FILTER_KEYS = ['siteId', 'channel', 'priority', 'assigneeId', 'teamId', 'tag'] as const;

export function InboxFilters({
  query,
  onChange,
  sites,
  agents,
  teams,
  tags,
}: {
  query: InboxQuery;
  onChange: (change: (filters: Filters) => Filters) => void;
  sites: SignedInAgent['sites'];
  agents: AgentProfile[];
  teams: Team[];
  /** The tags of the conversations listed. */
  tags: string[];
}) {
  const [open, setOpen] = useState(false);
  const active = FILTER_KEYS.filter((key) => query[key] !== undefined).length;
  const choose = (key: (typeof FILTER_KEYS)[number]) => (e: Event) =>
    onChange((f) => ({ ...f, [key]: (e.target as HTMLSelectElement).value || undefined }));

  return (
    <>
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          const q = (new FormData(e.target as HTMLFormElement).get('q') as string).trim();
          onChange((f) => ({ ...f, q: q || undefined }));
        }}
      >
        <input
          name="q"
          type="search"
          aria-label="Search transcripts"
          placeholder="Search transcripts…"
          defaultValue={query.q ?? ''}
        />
      </form>
      <div class="filters">
        <select
          aria-label="Sort"
          value={query.sort}
          onChange={(e) =>
            onChange((f) => ({ ...f, sort: (e.target as HTMLSelectElement).value as 'waiting' | 'activity' }))
          }
        >
          <option value="activity">Latest activity</option>
          <option value="waiting">Longest waiting</option>
        </select>
        <button
          type="button"
          class={`filter-toggle${active > 0 ? ' active' : ''}`}
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          Filters{active > 0 ? ` · ${active}` : ''}
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
      {open && (
        <div class="filters more-filters">
          {sites.length > 1 && (
            <select aria-label="Site" value={query.siteId ?? ''} onChange={choose('siteId')}>
              <option value="">All sites</option>
              {sites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
          <select aria-label="Channel" value={query.channel ?? ''} onChange={choose('channel')}>
            <option value="">Any channel</option>
            <option value="chat">Chat</option>
            <option value="email">Email</option>
            <option value="meeting">Meetings</option>
          </select>
          <select aria-label="Priority filter" value={query.priority ?? ''} onChange={choose('priority')}>
            <option value="">Any priority</option>
            {['urgent', 'high', 'medium', 'low'].map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <select aria-label="Assignee filter" value={query.assigneeId ?? ''} onChange={choose('assigneeId')}>
            <option value="">Anyone</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          {teams.length > 0 && (
            <select aria-label="Team filter" value={query.teamId ?? ''} onChange={choose('teamId')}>
              <option value="">Any team</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
          {(tags.length > 0 || query.tag) && (
            <select aria-label="Tag filter" value={query.tag ?? ''} onChange={choose('tag')}>
              <option value="">Any tag</option>
              {[...new Set([...tags, ...(query.tag ? [query.tag] : [])])].map((t) => (
                <option key={t} value={t}>
                  #{t}
                </option>
              ))}
            </select>
          )}
        </div>
      )}
    </>
  );
}
