// An agent's upcoming meetings, a day or a week at a time, in the agent's zone.
import type { AgentProfile, Meeting } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { problem } from '../api';
import { browserZone, meetingsApi, meetingTime } from './api';
import './meetings.css';

/** "YYYY-MM-DD" of an instant in a zone. */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** A calendar date moved by whole days; calendar arithmetic, so no zone or DST is involved. */
export function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const dayHeading = (date: string) =>
  new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));

export function Upcoming({ me, agents }: { me: AgentProfile; agents: AgentProfile[] }) {
  const zone = browserZone();
  const [range, setRange] = useState<'day' | 'week'>('week');
  const [from, setFrom] = useState(() => localDate(new Date(), zone));
  const [agentId, setAgentId] = useState(me.id);
  const [meetings, setMeetings] = useState<Meeting[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setMeetings(null);
    setError(null);
    meetingsApi.upcoming({ range, from, timeZone: zone, ...(agentId === me.id ? {} : { agentId }) }).then(
      (r) => setMeetings(r.meetings),
      (e) => setError(problem(e)),
    );
  }, [range, from, agentId, zone, me.id]);

  const days = new Map<string, Meeting[]>();
  for (const meeting of meetings ?? []) {
    const date = localDate(new Date(meeting.start ?? 0), zone);
    days.set(date, [...(days.get(date) ?? []), meeting]);
  }
  const step = range === 'day' ? 1 : 7;
  const to = shiftDate(from, step - 1);

  return (
    <section class="upcoming" aria-label="Upcoming meetings">
      <div class="upcoming-bar">
        <div class="segmented">
          {(['day', 'week'] as const).map((r) => (
            <button key={r} type="button" aria-pressed={range === r} onClick={() => setRange(r)}>
              {r === 'day' ? 'Day' : 'Week'}
            </button>
          ))}
        </div>
        <button type="button" aria-label="Earlier" onClick={() => setFrom(shiftDate(from, -step))}>
          ‹
        </button>
        <button type="button" onClick={() => setFrom(localDate(new Date(), zone))}>
          Today
        </button>
        <button type="button" aria-label="Later" onClick={() => setFrom(shiftDate(from, step))}>
          ›
        </button>
        <strong class="upcoming-range">
          {range === 'day' ? dayHeading(from) : `${dayHeading(from)} – ${dayHeading(to)}`}
        </strong>
        {me.role === 'admin' && agents.length > 1 && (
          <select aria-label="Agent" value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
            {agents
              .filter((a) => a.active)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.id === me.id ? `Me (${a.name})` : a.name}
                </option>
              ))}
          </select>
        )}
        <span class="muted">Times in {zone}</span>
      </div>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      {meetings === null && !error && <p class="muted">Loading…</p>}
      {meetings?.length === 0 && (
        <div class="card upcoming-empty">
          <p>No meetings {range === 'day' ? 'on this day' : 'this week'}.</p>
          <p class="muted">Offer one from a conversation: “Offer a meeting” in its header.</p>
        </div>
      )}
      {[...days].map(([date, list]) => (
        <div class="upcoming-day" key={date}>
          <h3>{dayHeading(date)}</h3>
          <ul>
            {list.map((m) => (
              <li key={m.id} class={`upcoming-item ${m.status}`}>
                <div class="upcoming-time">
                  {meetingTime(m.start ?? '', m.end ?? '', zone).split(', ')[1]}
                </div>
                <div class="upcoming-main">
                  <a href={`#/inbox/open/${m.conversationId}`}>
                    <strong>{m.title}</strong>
                  </a>
                  <div class="muted">
                    {m.attendee ? `${m.attendee.name} <${m.attendee.email}>` : 'Visitor'} · {m.lengthMinutes}{' '}
                    min
                    {m.timeZone && m.timeZone !== zone ? ` · their time zone: ${m.timeZone}` : ''}
                  </div>
                </div>
                <div class="upcoming-side">
                  {m.status === 'completed' ? (
                    <span class="chip">outcome recorded</span>
                  ) : m.link ? (
                    /^https?:/.test(m.link.url) ? (
                      <a href={m.link.url} target="_blank" rel="noopener noreferrer">
                        Join
                      </a>
                    ) : (
                      <span>{m.link.label}</span>
                    )
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
