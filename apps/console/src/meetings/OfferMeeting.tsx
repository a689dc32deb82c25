// "Offer a meeting": length, host (the agent, a colleague, or a team booked round-robin) and an
// agenda drafted from the conversation. The visitor gets a slot picker in the widget.
import type { AgentProfile, Team } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { canWorkOn, problem } from '../api';
import { meetingsApi } from './api';
import './meetings.css';

export interface OfferMeetingProps {
  conversationId: string;
  siteId: string;
  me: AgentProfile;
  agents: AgentProfile[];
  teams: Team[];
  /** Called when the dialog is dismissed or the offer is made: the offer itself arrives on the timeline. */
  onClose: () => void;
}

/** The agents a choice stands for: "agent:<id>" is one agent, "team:<id>" the team's bookable members. */
export function hostsOf(choice: string, agents: AgentProfile[], siteId: string): string[] {
  const [kind, id] = choice.split(':');
  if (kind === 'agent' && id) return [id];
  return agents.filter((a) => a.teamIds.includes(id ?? '') && canWorkOn(a, siteId)).map((a) => a.id);
}

export function OfferMeeting({ conversationId, siteId, me, agents, teams, onClose }: OfferMeetingProps) {
  const [lengths, setLengths] = useState<number[] | null>(null);
  const [length, setLength] = useState(30);
  const [host, setHost] = useState(`agent:${me.id}`);
  const [title, setTitle] = useState('');
  const [agenda, setAgenda] = useState('');
  const [topics, setTopics] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [unscheduled, setUnscheduled] = useState(false);

  useEffect(() => {
    meetingsApi.schedule().then(
      ({ schedule }) => {
        const offered = schedule?.lengths ?? [30];
        setUnscheduled(schedule === null);
        setLengths(offered);
        setLength(offered.includes(30) ? 30 : (offered[0] ?? 30));
      },
      (e) => setError(problem(e)),
    );
    meetingsApi.agenda(conversationId).then(
      (draft) => {
        setAgenda(draft.agenda);
        setTopics(draft.topics);
      },
      (e) => setError(problem(e)),
    );
  }, [conversationId]);

  const colleagues = agents.filter((a) => a.id !== me.id && canWorkOn(a, siteId));
  const bookableTeams = teams.filter((t) => hostsOf(`team:${t.id}`, agents, siteId).length > 0);

  const submit = async (event: Event) => {
    event.preventDefault();
    const agentIds = hostsOf(host, agents, siteId);
    if (agentIds.length === 0) return setError('That team has no one who can take meetings on this site.');
    if (!agenda.trim()) return setError('Write an agenda: the visitor sees it before booking.');
    setBusy(true);
    setError(null);
    try {
      await meetingsApi.offer({
        conversationId,
        lengthMinutes: length,
        agenda,
        agentIds,
        ...(title.trim() ? { title: title.trim() } : {}),
      });
      onClose();
    } catch (e) {
      setError(problem(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="modal-backdrop">
      <form
        class="modal offer-meeting"
        role="dialog"
        aria-label="Offer a meeting"
        onSubmit={submit}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <header>
          <h2>Offer a meeting</h2>
          <button type="button" class="link" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </header>
        <p class="muted">The visitor picks a time that suits both of you, in their own time zone.</p>
        {unscheduled && host === `agent:${me.id}` && (
          <p class="flash warn-flash">
            You have not set your meeting hours yet: <a href="#/meetings/schedule">set them</a> so visitors
            see free times.
          </p>
        )}
        <div class="row">
          <label>
            Length
            <select value={length} onChange={(e) => setLength(Number(e.currentTarget.value))}>
              {(lengths ?? [length]).map((minutes) => (
                <option key={minutes} value={minutes}>
                  {minutes} minutes
                </option>
              ))}
            </select>
          </label>
          <label class="grow">
            With
            <select value={host} onChange={(e) => setHost(e.currentTarget.value)}>
              <option value={`agent:${me.id}`}>Me ({me.name})</option>
              {colleagues.map((a) => (
                <option key={a.id} value={`agent:${a.id}`}>
                  {a.name}
                </option>
              ))}
              {bookableTeams.map((t) => (
                <option key={t.id} value={`team:${t.id}`}>
                  Team {t.name} (whoever is free)
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          Title
          <input
            value={title}
            maxLength={200}
            placeholder={
              topics.length > 0 ? `e.g. ${topics.slice(0, 2).join(' and ')}` : 'e.g. Import limits'
            }
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </label>
        <label>
          Agenda
          <textarea
            rows={6}
            maxLength={4000}
            value={agenda}
            aria-busy={lengths === null}
            onInput={(e) => {
              setAgenda(e.currentTarget.value);
              setError(null);
            }}
          />
        </label>
        {error && (
          <p class="error-text" role="alert">
            {error}
          </p>
        )}
        <div class="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || lengths === null}>
            Offer the meeting
          </button>
        </div>
      </form>
    </div>
  );
}
