// A meeting event on the console's timeline: what was offered, booked, moved, cancelled or settled,
// in the agent's zone, and on the meeting's latest event what the agent can still do to it.
import type { ActionItem, Message, Slot } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api, problem } from '../api';
import { clock } from '../format';
import { browserZone, meetingsApi, meetingTime } from './api';
import './meetings.css';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

const HEADINGS: Record<string, string> = {
  'meeting.offered': 'Meeting offered',
  'meeting.booked': 'Meeting booked',
  'meeting.rescheduled': 'Meeting moved',
  'meeting.cancelled': 'Meeting cancelled',
  'meeting.outcome': 'Meeting outcome',
};

export interface MeetingEventProps {
  message: Message;
  /** A later event of the same meeting is on the timeline: this one's actions are stale. */
  superseded: boolean;
}

export function MeetingEvent({ message, superseded }: MeetingEventProps) {
  const data = message.data ?? { name: '' };
  const [panel, setPanel] = useState<null | 'reschedule' | 'cancel' | 'outcome'>(null);
  const zone = browserZone();
  const id = str(data.meetingId);
  const bookedNow = !superseded && (data.name === 'meeting.booked' || data.name === 'meeting.rescheduled');
  const by = data.by === 'visitor' ? ' by the visitor' : data.by === 'agent' ? ' by an agent' : '';
  const decisions = Array.isArray(data.decisions) ? (data.decisions as string[]) : [];
  const items = Array.isArray(data.actionItems) ? (data.actionItems as ActionItem[]) : [];

  return (
    <li class={`meeting-event ${data.name.replace('.', '-')}`} data-seq={message.seq}>
      <div class="meeting-event-head">
        <span class="meeting-icon" aria-hidden="true">
          ◷
        </span>
        <strong>
          {HEADINGS[data.name] ?? 'Meeting'}
          {data.name !== 'meeting.offered' && data.name !== 'meeting.outcome' ? by : ''}
        </strong>
        <time>{clock(message.createdAt)}</time>
      </div>
      {str(data.title) && <div class="meeting-title">{str(data.title)}</div>}
      {data.name === 'meeting.offered' && (
        <>
          <div class="muted">
            {String(data.lengthMinutes)} minutes · waiting for the visitor to pick a time
          </div>
          {str(data.agenda) && <p class="meeting-agenda">{str(data.agenda)}</p>}
          {!superseded && (
            <div class="meeting-actions">
              <button
                type="button"
                class="small"
                onClick={() => setPanel(panel === 'cancel' ? null : 'cancel')}
              >
                Withdraw offer
              </button>
            </div>
          )}
        </>
      )}
      {(data.name === 'meeting.booked' || data.name === 'meeting.rescheduled') && (
        <>
          <div class="meeting-when">
            {meetingTime(str(data.start), str(data.end), zone)} <span class="muted">({zone})</span>
            {str(data.previousStart) && (
              <span class="muted">
                {' '}
                · was {meetingTime(str(data.previousStart), str(data.previousStart), zone).split('–')[0]}
              </span>
            )}
          </div>
          {str(data.link) && (
            <div class="muted">
              {/^https?:/.test(str(data.link)) ? (
                <a href={str(data.link)} target="_blank" rel="noopener noreferrer">
                  {str(data.link)}
                </a>
              ) : (
                str(data.link)
              )}
            </div>
          )}
          {bookedNow && (
            <div class="meeting-actions">
              <button
                type="button"
                class="small primary"
                onClick={() => setPanel(panel === 'outcome' ? null : 'outcome')}
              >
                Record outcome
              </button>
              <button
                type="button"
                class="small"
                onClick={() => setPanel(panel === 'reschedule' ? null : 'reschedule')}
              >
                Reschedule
              </button>
              <button
                type="button"
                class="small danger-outline"
                onClick={() => setPanel(panel === 'cancel' ? null : 'cancel')}
              >
                Cancel meeting
              </button>
            </div>
          )}
        </>
      )}
      {data.name === 'meeting.cancelled' && str(data.reason) && (
        <p class="meeting-agenda">{str(data.reason)}</p>
      )}
      {data.name === 'meeting.outcome' && (
        <div class="meeting-outcome">
          <p class="meeting-agenda">{str(data.notes)}</p>
          {decisions.length > 0 && (
            <>
              <h3>Decisions</h3>
              <ul>
                {decisions.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            </>
          )}
          {items.length > 0 && (
            <>
              <h3>Action items</h3>
              <ul>
                {items.map((item) => (
                  <li key={item.text}>
                    {item.text}{' '}
                    <span class="muted">
                      · {item.owner} · due {item.due}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {panel === 'reschedule' && (
        <ReschedulePanel meetingId={id} current={str(data.start)} zone={zone} onDone={() => setPanel(null)} />
      )}
      {panel === 'cancel' && <CancelPanel meetingId={id} onDone={() => setPanel(null)} />}
      {panel === 'outcome' && (
        <OutcomeForm meetingId={id} conversationId={message.conversationId} onDone={() => setPanel(null)} />
      )}
    </li>
  );
}

function ReschedulePanel({
  meetingId,
  current,
  zone,
  onDone,
}: {
  meetingId: string;
  /** The meeting's time now: among the free times, but no move. */
  current: string;
  zone: string;
  onDone: () => void;
}) {
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [start, setStart] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    meetingsApi.slots(meetingId, zone).then(
      (r) => setSlots(r.slots),
      (e) => setError(problem(e)),
    );
  }, [meetingId, zone]);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await meetingsApi.reschedule(meetingId, start, zone);
      onDone();
    } catch (e) {
      setError(problem(e));
    }
  };
  return (
    <form class="meeting-panel" aria-label="Reschedule" onSubmit={submit}>
      <label>
        New time
        <select value={start} required onChange={(e) => setStart(e.currentTarget.value)}>
          <option value="">{slots === null ? 'Loading free times…' : 'Pick a free time'}</option>
          {(slots ?? []).map((slot) => (
            <option key={slot.start} value={slot.start} disabled={slot.start === current}>
              {slot.start === current ? `${slot.label} (its time now)` : slot.label}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" onClick={onDone}>
          Back
        </button>
        <button type="submit" class="primary" disabled={!start}>
          Move the meeting
        </button>
      </div>
    </form>
  );
}

function CancelPanel({ meetingId, onDone }: { meetingId: string; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await meetingsApi.cancel(meetingId, reason.trim());
      onDone();
    } catch (e) {
      setError(problem(e));
    }
  };
  return (
    <form class="meeting-panel" aria-label="Cancel the meeting" onSubmit={submit}>
      <label>
        Reason (the visitor sees it)
        <input value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" onClick={onDone}>
          Keep it
        </button>
        <button type="submit" class="danger-outline">
          Cancel it
        </button>
      </div>
    </form>
  );
}

interface DraftItem {
  key: number;
  text: string;
  owner: string;
  due: string;
}

/** What the outcome form sends: blank lines and blank action items left out, each item complete. */
export function outcomeInput(
  notes: string,
  decisions: string,
  items: DraftItem[],
):
  | { ok: true; value: { notes: string; decisions: string[]; actionItems: ActionItem[] } }
  | { ok: false; message: string } {
  if (!notes.trim()) return { ok: false, message: 'Write the notes: they go to the visitor as the summary.' };
  const actionItems: ActionItem[] = [];
  for (const [index, item] of items.entries()) {
    if (!item.text.trim() && !item.owner.trim() && !item.due) continue;
    if (!item.text.trim() || !item.owner.trim() || !item.due)
      return { ok: false, message: `Action item ${index + 1} needs what, who and a due date.` };
    actionItems.push({ text: item.text.trim(), owner: item.owner.trim(), due: item.due });
  }
  return {
    ok: true,
    value: {
      notes: notes.trim(),
      decisions: decisions
        .split('\n')
        .map((d) => d.trim())
        .filter(Boolean),
      actionItems,
    },
  };
}

let nextKey = 1;

export function OutcomeForm({
  meetingId,
  conversationId,
  onDone,
}: {
  meetingId: string;
  conversationId: string;
  onDone: () => void;
}) {
  const [notes, setNotes] = useState('');
  const [decisions, setDecisions] = useState('');
  const [items, setItems] = useState<DraftItem[]>([{ key: nextKey++, text: '', owner: '', due: '' }]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const change = (key: number, field: 'text' | 'owner' | 'due', value: string) =>
    setItems((list) => list.map((item) => (item.key === key ? { ...item, [field]: value } : item)));

  const save = async (then: 'resolve' | 'continue') => {
    const input = outcomeInput(notes, decisions, items);
    if (!input.ok) return setError(input.message);
    setBusy(true);
    setError(null);
    try {
      await meetingsApi.outcome(meetingId, input.value);
      if (then === 'resolve') await api.act(conversationId, { action: 'resolve' });
      onDone();
    } catch (e) {
      setError(problem(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="meeting-panel outcome-form"
      aria-label="Meeting outcome"
      onSubmit={(e) => e.preventDefault()}
    >
      <label>
        Notes
        <textarea rows={4} maxLength={8000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />
      </label>
      <label>
        Decisions (one a line)
        <textarea rows={2} value={decisions} onInput={(e) => setDecisions(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>Action items</legend>
        {items.map((item, index) => (
          <div class="action-item" key={item.key}>
            <input
              aria-label={`Action item ${index + 1}`}
              placeholder="What"
              value={item.text}
              onInput={(e) => change(item.key, 'text', e.currentTarget.value)}
            />
            <input
              aria-label={`Owner of action item ${index + 1}`}
              placeholder="Who"
              value={item.owner}
              onInput={(e) => change(item.key, 'owner', e.currentTarget.value)}
            />
            <input
              type="date"
              aria-label={`Due date of action item ${index + 1}`}
              value={item.due}
              onInput={(e) => change(item.key, 'due', e.currentTarget.value)}
            />
            <button
              type="button"
              class="link"
              aria-label={`Remove action item ${index + 1}`}
              onClick={() => setItems((list) => list.filter((i) => i.key !== item.key))}
            >
              ✕
            </button>
          </div>
        ))}
        <button
          type="button"
          class="link"
          onClick={() => setItems((list) => [...list, { key: nextKey++, text: '', owner: '', due: '' }])}
        >
          + Add an action item
        </button>
      </fieldset>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" onClick={onDone}>
          Back
        </button>
        <button type="button" disabled={busy} onClick={() => void save('continue')}>
          Save and continue the conversation
        </button>
        <button type="button" class="primary" disabled={busy} onClick={() => void save('resolve')}>
          Save and resolve
        </button>
      </div>
    </form>
  );
}
