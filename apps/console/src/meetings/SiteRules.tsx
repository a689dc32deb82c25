// A site's booking rules (admins): notice, horizon, buffer, slot step, reminders and where meetings
// happen (a video room pattern, one fixed link, or a phone number).
import type { MeetingLinkTemplate, SiteMeetingSettingsInput } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { problem } from '../api';
import { meetingsApi } from './api';
import './meetings.css';

interface Draft {
  minNoticeMinutes: string;
  horizonDays: string;
  bufferMinutes: string;
  slotStepMinutes: string;
  reminders: string;
  kind: MeetingLinkTemplate['kind'];
  target: string;
}

const LINK_LABEL = { video: 'Video room URL pattern', fixed: 'Meeting link', phone: 'Phone number' } as const;
const LINK_HINT = {
  video: 'Each meeting gets its own room: {room} is replaced, e.g. https://meet.jit.si/parley-{room}',
  fixed: 'Every meeting uses this link.',
  phone: 'The visitor calls this number.',
} as const;

/** Parses the form into the settings the relay takes, or says which field is wrong. */
export function settingsInput(
  draft: Draft,
): { ok: true; value: SiteMeetingSettingsInput } | { ok: false; message: string } {
  const whole = (text: string, label: string, min: number, max: number): number | string => {
    const n = Number(text);
    return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max
      ? n
      : `${label} must be a whole number from ${min} to ${max}.`;
  };
  const minNotice = whole(draft.minNoticeMinutes, 'Minimum notice', 0, 43_200);
  const horizon = whole(draft.horizonDays, 'Booking horizon', 1, 365);
  const buffer = whole(draft.bufferMinutes, 'Buffer', 0, 240);
  const step = whole(draft.slotStepMinutes, 'Slot step', 5, 240);
  for (const value of [minNotice, horizon, buffer, step])
    if (typeof value === 'string') return { ok: false, message: value };
  const parts = draft.reminders
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const reminders = parts.map((p) => whole(p, 'Each reminder', 1, 20_160));
  const bad = reminders.find((r) => typeof r === 'string');
  if (bad !== undefined) return { ok: false, message: String(bad) };
  if (reminders.length > 5) return { ok: false, message: 'At most five reminders.' };
  const target = draft.target.trim();
  let link: MeetingLinkTemplate;
  if (draft.kind === 'video') {
    if (!/^https?:\/\//.test(target) || !target.includes('{room}'))
      return { ok: false, message: 'The video room pattern must be an http(s) URL containing {room}.' };
    link = { kind: 'video', pattern: target };
  } else if (draft.kind === 'fixed') {
    if (!/^https?:\/\//.test(target))
      return { ok: false, message: 'The meeting link must be an http(s) URL.' };
    link = { kind: 'fixed', url: target };
  } else {
    if (!/^\+?[0-9 ()-]{5,30}$/.test(target)) return { ok: false, message: 'That is not a phone number.' };
    link = { kind: 'phone', number: target };
  }
  return {
    ok: true,
    value: {
      minNoticeMinutes: minNotice as number,
      horizonDays: horizon as number,
      bufferMinutes: buffer as number,
      slotStepMinutes: step as number,
      reminderMinutes: reminders as number[],
      link,
    },
  };
}

export function SiteRules({ sites }: { sites: { id: string; name: string }[] }) {
  const [siteId, setSiteId] = useState(sites[0]?.id ?? '');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    if (!siteId) return;
    setDraft(null);
    meetingsApi.settings(siteId).then(
      ({ settings: s }) =>
        setDraft({
          minNoticeMinutes: String(s.minNoticeMinutes),
          horizonDays: String(s.horizonDays),
          bufferMinutes: String(s.bufferMinutes),
          slotStepMinutes: String(s.slotStepMinutes),
          reminders: s.reminderMinutes.join(', '),
          kind: s.link.kind,
          target:
            s.link.kind === 'video' ? s.link.pattern : s.link.kind === 'fixed' ? s.link.url : s.link.number,
        }),
      (e) => setMessage({ kind: 'error', text: problem(e) }),
    );
  }, [siteId]);

  if (sites.length === 0) return <p class="muted">No sites yet.</p>;
  const field = (key: keyof Draft) => ({
    value: draft?.[key] ?? '',
    onInput: (e: Event) => {
      if (draft) setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
      setMessage(null);
    },
  });
  const save = async (event: Event) => {
    event.preventDefault();
    if (!draft) return;
    const input = settingsInput(draft);
    if (!input.ok) return setMessage({ kind: 'error', text: input.message });
    try {
      await meetingsApi.saveSettings(siteId, input.value);
      setMessage({ kind: 'ok', text: 'Saved. The rules apply to new slots from now on.' });
    } catch (e) {
      setMessage({ kind: 'error', text: problem(e) });
    }
  };

  return (
    <form class="card site-rules" aria-label="Site booking rules" onSubmit={save}>
      <h2>Booking rules</h2>
      {sites.length > 1 && (
        <label>
          Site
          <select value={siteId} onChange={(e) => setSiteId(e.currentTarget.value)}>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {!draft ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <div class="row">
            <label>
              Minimum notice (minutes)
              <input inputMode="numeric" {...field('minNoticeMinutes')} />
            </label>
            <label>
              Booking horizon (days)
              <input inputMode="numeric" {...field('horizonDays')} />
            </label>
            <label>
              Buffer between meetings (minutes)
              <input inputMode="numeric" {...field('bufferMinutes')} />
            </label>
            <label>
              Slots start every (minutes)
              <input inputMode="numeric" {...field('slotStepMinutes')} />
            </label>
          </div>
          <label>
            Reminders (minutes before, comma-separated)
            <input {...field('reminders')} placeholder="1440, 60" />
          </label>
          <div class="row">
            <label>
              Meetings happen on
              <select
                value={draft.kind}
                onChange={(e) =>
                  setDraft({ ...draft, kind: e.currentTarget.value as Draft['kind'], target: '' })
                }
              >
                <option value="video">A video room per meeting</option>
                <option value="fixed">One fixed link</option>
                <option value="phone">The phone</option>
              </select>
            </label>
            <label class="grow">
              {LINK_LABEL[draft.kind]}
              <input {...field('target')} />
            </label>
          </div>
          <p class="muted small">{LINK_HINT[draft.kind]}</p>
        </>
      )}
      {message && (
        <p class={`flash ${message.kind}`} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={!draft}>
          Save rules
        </button>
      </div>
    </form>
  );
}
