// Meetings in the transcript: the slot picker an offer opens, and readable cards for what became
// of the meeting. A lazy chunk: the relay serves this frame, so its `/meetings/...` API is same-origin.
// The signed links are asked for over the visitor's socket: the timeline never carries them.
import type { ActionItem, MeetingLinks, Result, Slot } from '@parley/protocol';
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import css from './meeting-card.css?inline';

const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

export interface MeetingCardProps {
  /** The event's `data`: its `name` says which meeting event it is. */
  data: { name: string } & Record<string, unknown>;
  /** A later event of the same meeting exists, so this one's picker and links are stale. */
  superseded: boolean;
  /** Asks the relay over the visitor's socket. */
  ask(event: string, payload: unknown): Promise<Result<object>>;
}

/** The links the meeting allows now; null when the relay refused or could not be reached. */
const linksOf = (ask: MeetingCardProps['ask'], meetingId: string): Promise<MeetingLinks | null> =>
  (ask('meeting:links', { meetingId }) as Promise<Result<{ links: MeetingLinks }>>).then((result) =>
    result.ok ? result.links : null,
  );

// The cards' words live here, not in the first open's locales: only a chat with a meeting needs them.
const WORDS = {
  en: {
    meeting: 'Meeting',
    offered: 'Meeting offered · {n} min',
    pick: 'Pick a time',
    loading: 'Loading times…',
    taken: 'That time was just taken. Please pick another.',
    loadFailed: 'The times could not be loaded. Check your connection.',
    bookFailed: 'Booking failed. Check your connection.',
    none: 'No free times right now. Write to us here instead.',
    timesIn: 'Times in {zone}',
    day: 'Day',
    timesOn: 'Times on {day}',
    name: 'Your name',
    email: 'Email for the invite',
    book: 'Book {time}',
    bookedNote: 'Booked. The invitation is on its way to {email}.',
    booked: 'Meeting booked',
    moved: 'Meeting moved',
    join: 'Join:',
    reschedule: 'Reschedule',
    cancel: 'Cancel',
    cancelled: 'Meeting cancelled',
    cancelledByYou: 'Meeting cancelled by you',
    summary: 'Meeting summary',
    decisions: 'Decisions',
    actions: 'Action items',
    due: '({owner}, due {due})',
  },
  ro: {
    meeting: 'Întâlnire',
    offered: 'Întâlnire propusă · {n} min',
    pick: 'Alegeți o oră',
    loading: 'Se încarcă orele…',
    taken: 'Ora aceasta tocmai a fost rezervată. Alegeți alta.',
    loadFailed: 'Orele nu au putut fi încărcate. Verificați conexiunea.',
    bookFailed: 'Rezervarea nu a reușit. Verificați conexiunea.',
    none: 'Nu sunt ore libere acum. Scrieți-ne aici.',
    timesIn: 'Ore în fusul {zone}',
    day: 'Zi',
    timesOn: 'Ore pe {day}',
    name: 'Numele dvs.',
    email: 'E-mail pentru invitație',
    book: 'Rezervă {time}',
    bookedNote: 'Rezervat. Invitația pleacă spre {email}.',
    booked: 'Întâlnire rezervată',
    moved: 'Întâlnire mutată',
    join: 'Participă:',
    reschedule: 'Altă oră',
    cancel: 'Anulează',
    cancelled: 'Întâlnire anulată',
    cancelledByYou: 'Întâlnire anulată de dvs.',
    summary: 'Rezumatul întâlnirii',
    decisions: 'Decizii',
    actions: 'Sarcini',
    due: '({owner}, termen {due})',
  },
  pl: {
    meeting: 'Spotkanie',
    offered: 'Proponowane spotkanie · {n} min',
    pick: 'Wybierz termin',
    loading: 'Wczytywanie terminów…',
    taken: 'Ten termin został właśnie zajęty. Wybierz inny.',
    loadFailed: 'Nie udało się wczytać terminów. Sprawdź połączenie.',
    bookFailed: 'Rezerwacja nie powiodła się. Sprawdź połączenie.',
    none: 'Brak wolnych terminów. Napisz do nas tutaj.',
    timesIn: 'Godziny w strefie {zone}',
    day: 'Dzień',
    timesOn: 'Godziny: {day}',
    name: 'Imię i nazwisko',
    email: 'E-mail do zaproszenia',
    book: 'Zarezerwuj {time}',
    bookedNote: 'Zarezerwowano. Zaproszenie jest w drodze na {email}.',
    booked: 'Spotkanie zarezerwowane',
    moved: 'Spotkanie przeniesione',
    join: 'Dołącz:',
    reschedule: 'Zmień termin',
    cancel: 'Odwołaj',
    cancelled: 'Spotkanie odwołane',
    cancelledByYou: 'Spotkanie odwołane przez Ciebie',
    summary: 'Podsumowanie spotkania',
    decisions: 'Decyzje',
    actions: 'Zadania',
    due: '({owner}, termin {due})',
  },
};
type Words = typeof WORDS.en;

/** The frame's language (the app sets `<html lang>`), falling back to English. */
const language = (): keyof typeof WORDS => {
  const lang = document.documentElement.lang;
  return lang === 'ro' || lang === 'pl' ? lang : 'en';
};

const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));

/** The visitor's own zone: every time on these cards is shown in it. */
export const visitorZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

// English days read "Tue 24 Nov", as in the invitation emails.
const locale = (lang: string) => (lang === 'en' ? 'en-GB' : lang);
const dayFormat = (lang: string, timeZone: string) =>
  new Intl.DateTimeFormat(locale(lang), { weekday: 'short', day: 'numeric', month: 'short', timeZone });
const clockFormat = (lang: string, timeZone: string) =>
  new Intl.DateTimeFormat(locale(lang), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });

/** "Tue 24 Nov, 15:00–15:30" in a zone and language. */
export function meetingTime(start: string, end: string, timeZone: string, lang = 'en'): string {
  const clock = clockFormat(lang, timeZone);
  return `${dayFormat(lang, timeZone).format(new Date(start))}, ${clock.format(new Date(start))}–${clock.format(new Date(end))}`;
}

export interface SlotDay {
  date: string;
  label: string;
  slots: { slot: Slot; time: string }[];
}

/** Slots in the order given, grouped by the local date the relay gave each, labelled in a zone and language. */
export function byDay(slots: readonly Slot[], timeZone: string, lang = 'en'): SlotDay[] {
  const day = dayFormat(lang, timeZone);
  const clock = clockFormat(lang, timeZone);
  const days: SlotDay[] = [];
  for (const slot of slots) {
    const entry = { slot, time: clock.format(new Date(slot.start)) };
    const last = days.at(-1);
    if (last?.date === slot.date) last.slots.push(entry);
    else days.push({ date: slot.date, label: day.format(new Date(slot.start)), slots: [entry] });
  }
  return days;
}

export function MeetingCard({ data, superseded, ask }: MeetingCardProps): JSX.Element {
  const zone = visitorZone();
  const lang = language();
  const w = WORDS[lang];
  const title = str(data.title) || w.meeting;
  const offered = fill(w.offered, { n: Number(data.lengthMinutes) });
  if (data.name === 'meeting.offered')
    return superseded ? (
      <div class="meeting">
        <p class="muted">{offered}</p>
        <h3>{title}</h3>
      </div>
    ) : (
      <SlotPicker data={data} zone={zone} lang={lang} title={title} offered={offered} ask={ask} />
    );
  if (data.name === 'meeting.booked' || data.name === 'meeting.rescheduled') {
    return (
      <div class="meeting">
        <p class="muted">{data.name === 'meeting.booked' ? w.booked : w.moved}</p>
        <h3>{title}</h3>
        <p>
          <strong>{meetingTime(str(data.start), str(data.end), zone, lang)}</strong>{' '}
          <span class="muted">({zone})</span>
        </p>
        {str(data.link) && (
          <p>
            {w.join} <LinkOrText value={str(data.link)} />
          </p>
        )}
        {!superseded && <Manage meetingId={str(data.meetingId)} zone={zone} words={w} ask={ask} />}
      </div>
    );
  }
  if (data.name === 'meeting.cancelled')
    return (
      <div class="meeting cancelled">
        <p class="muted">{data.by === 'visitor' ? w.cancelledByYou : w.cancelled}</p>
        <h3>{title}</h3>
        {str(data.reason) && <p>{str(data.reason)}</p>}
      </div>
    );
  const decisions = Array.isArray(data.decisions) ? (data.decisions as string[]) : [];
  const items = Array.isArray(data.actionItems) ? (data.actionItems as ActionItem[]) : [];
  return (
    <div class="meeting">
      <p class="muted">{w.summary}</p>
      <p class="agenda">{str(data.notes)}</p>
      {decisions.length > 0 && (
        <>
          <strong>{w.decisions}</strong>
          <ul class="list">
            {decisions.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </>
      )}
      {items.length > 0 && (
        <>
          <strong>{w.actions}</strong>
          <ul class="list">
            {items.map((item) => (
              <li key={item.text}>
                {item.text} <span class="muted">{fill(w.due, { owner: item.owner, due: item.due })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function LinkOrText({ value }: { value: string }) {
  return /^https?:\/\//.test(value) ? (
    <a href={value} target="_blank" rel="noopener">
      {value}
    </a>
  ) : (
    <span>{value}</span>
  );
}

/** Reschedule and cancel, once the relay has handed over their links. */
function Manage({
  meetingId,
  zone,
  words,
  ask,
}: {
  meetingId: string;
  zone: string;
  words: Words;
  ask: MeetingCardProps['ask'];
}): JSX.Element | null {
  const [links, setLinks] = useState<MeetingLinks | null>(null);
  useEffect(() => {
    let live = true;
    linksOf(ask, meetingId).then((got) => live && setLinks(got));
    return () => {
      live = false;
    };
  }, [ask, meetingId]);
  if (!links?.reschedule || !links.cancel) return null;
  const page = (action: string, token: string) =>
    `/meetings/${encodeURIComponent(meetingId)}/${action}?${new URLSearchParams({ t: token, tz: zone })}`;
  return (
    <div class="actions">
      <a href={page('reschedule', links.reschedule)} target="_blank" rel="noopener">
        {words.reschedule}
      </a>
      <a href={page('cancel', links.cancel)} target="_blank" rel="noopener">
        {words.cancel}
      </a>
    </div>
  );
}

type Picked = { slots: Slot[]; error: string | null; taken: boolean };

function SlotPicker({
  data,
  zone,
  lang,
  title,
  offered,
  ask,
}: {
  data: MeetingCardProps['data'];
  zone: string;
  lang: keyof typeof WORDS;
  title: string;
  offered: string;
  ask: MeetingCardProps['ask'];
}): JSX.Element {
  const w: Words = WORDS[lang];
  const meetingId = str(data.meetingId);
  const id = encodeURIComponent(meetingId);
  const [token, setToken] = useState('');
  const [state, setState] = useState<Picked | null>(null);
  const [day, setDay] = useState<string | null>(null);
  const [start, setStart] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [booked, setBooked] = useState(false);

  useEffect(() => {
    let live = true;
    const show = (picked: Picked) => live && setState(picked);
    linksOf(ask, meetingId)
      .then(async (links) => {
        if (!links) return show({ slots: [], error: w.loadFailed, taken: false });
        const { book } = links;
        // No booking link: the offer is no longer open to book.
        if (!book) return show({ slots: [], error: null, taken: false });
        setToken(book);
        const response = await fetch(
          `/meetings/${id}/slots?${new URLSearchParams({ token: book, timeZone: zone })}`,
        );
        const body = (await response.json()) as { ok: boolean; slots?: Slot[]; message?: string };
        show({
          slots: body.slots ?? [],
          error: body.ok ? null : (body.message ?? w.loadFailed),
          taken: false,
        });
      })
      .catch(() => show({ slots: [], error: w.loadFailed, taken: false }));
    return () => {
      live = false;
    };
  }, [ask, meetingId, id, zone, w]);

  const book = async (event: Event) => {
    event.preventDefault();
    if (!start) return;
    setBusy(true);
    const failed = (error: string) => setState((s) => ({ slots: s?.slots ?? [], error, taken: false }));
    try {
      const response = await fetch(`/meetings/${id}/book`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token,
          start,
          timeZone: zone,
          attendee: { name: name.trim(), email: email.trim() },
        }),
      });
      const body = (await response.json()) as {
        ok: boolean;
        code?: string;
        message?: string;
        slots?: Slot[];
      };
      if (body.ok) setBooked(true);
      else if (body.code === 'conflict' && body.slots) {
        // Someone else took it: the relay sends the fresh slots with the refusal.
        setStart(null);
        setState({ slots: body.slots, error: null, taken: true });
      } else failed(body.message ?? w.bookFailed);
    } catch {
      failed(w.bookFailed);
    } finally {
      setBusy(false);
    }
  };

  if (booked)
    return (
      <section class="meeting" aria-label={w.pick}>
        <h3>{title}</h3>
        <p role="status">{fill(w.bookedNote, { email: email.trim() })}</p>
      </section>
    );
  const days = byDay(state?.slots ?? [], zone, lang);
  const shown = days.find((d) => d.date === day) ?? days[0];
  const end = start && new Date(Date.parse(start) + Number(data.lengthMinutes) * 60_000).toISOString();
  return (
    <section class="meeting" aria-label={w.pick}>
      <p class="muted">{offered}</p>
      <h3>{title}</h3>
      {str(data.agenda) && <p class="agenda">{str(data.agenda)}</p>}
      {!state && <p class="muted">{w.loading}</p>}
      {state?.taken && (
        <p class="taken" role="alert">
          {w.taken}
        </p>
      )}
      {state?.error && (
        <p class="error" role="alert">
          {state.error}
        </p>
      )}
      {state && !state.error && days.length === 0 && <p>{w.none}</p>}
      {shown && (
        <>
          <p class="muted">{fill(w.timesIn, { zone })}</p>
          <fieldset class="days" aria-label={w.day}>
            {days.map((d) => (
              <button
                key={d.date}
                type="button"
                class="day"
                aria-pressed={d === shown}
                onClick={() => {
                  setDay(d.date);
                  setStart(null);
                }}
              >
                {d.label}
              </button>
            ))}
          </fieldset>
          <ul class="times" aria-label={fill(w.timesOn, { day: shown.label })}>
            {shown.slots.map(({ slot, time }) => (
              <li key={slot.start}>
                <button
                  type="button"
                  class="time"
                  aria-pressed={slot.start === start}
                  onClick={() => setStart(slot.start)}
                >
                  {time}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {start && end && (
        <form onSubmit={book}>
          <label class="field">
            {w.name}
            <input
              value={name}
              required
              maxLength={200}
              autoComplete="name"
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            {w.email}
            <input
              type="email"
              value={email}
              required
              maxLength={254}
              autoComplete="email"
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="primary" disabled={busy}>
            {fill(w.book, { time: meetingTime(start, end, zone, lang) })}
          </button>
        </form>
      )}
    </section>
  );
}
