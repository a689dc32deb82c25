// The widget part of a site's settings: look (with the launcher's room from the window's edge),
// opening hours, what happens when nobody is there, the pre-chat form and proactive messages.
// Validation is the relay's (SiteSettings).
import { MAX_LAUNCHER_OFFSET, type SiteSettings } from '@parley/protocol';
import './WidgetSettingsForm.css';

const DAYS = [
  [1, 'Monday'],
  [2, 'Tuesday'],
  [3, 'Wednesday'],
  [4, 'Thursday'],
  [5, 'Friday'],
  [6, 'Saturday'],
  [0, 'Sunday'],
] as const;

type Props = { value: SiteSettings; onChange: (value: SiteSettings) => void };

const text = (e: Event) => (e.target as HTMLInputElement).value;
const checked = (e: Event) => (e.target as HTMLInputElement).checked;

/** "Phone number" → "phoneNumber": pre-chat keys come from their labels. */
function keyFor(label: string, taken: string[]): string {
  const words = label
    .replace(/[^A-Za-z0-9 ]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const base =
    words
      .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
      .join('') || 'field';
  let key = /^[a-zA-Z]/.test(base) ? base.slice(0, 28) : `f${base}`.slice(0, 28);
  for (let n = 2; taken.includes(key); n++) key = `${key.replace(/\d+$/, '')}${n}`;
  return key;
}

export function WidgetSettingsForm({ value, onChange }: Props) {
  const set = <K extends keyof SiteSettings>(key: K, part: Partial<SiteSettings[K]>) =>
    onChange({ ...value, [key]: { ...(value[key] as object), ...part } });
  const setOffset = (offset: Partial<SiteSettings['theme']['offset']>) =>
    set('theme', { offset: { ...value.theme.offset, ...offset } });
  const hours = value.businessHours;
  const dayInterval = (day: number) => hours.intervals.find((i) => i.day === day);
  const setDay = (day: number, interval: { from: string; to: string } | null) =>
    set('businessHours', {
      intervals: [
        ...hours.intervals.filter((i) => i.day !== day),
        ...(interval ? [{ day, ...interval }] : []),
      ].sort((a, b) => a.day - b.day),
    });

  return (
    <>
      <div class="card grid">
        <h2>Widget</h2>
        <div class="row">
          <label>
            Color
            <input type="color" value={value.theme.color} onInput={(e) => set('theme', { color: text(e) })} />
          </label>
          <label>
            Position
            <select
              value={value.theme.position}
              onChange={(e) => set('theme', { position: text(e) as 'left' | 'right' })}
            >
              <option value="right">Bottom right</option>
              <option value="left">Bottom left</option>
            </select>
          </label>
          <label title="Room to leave for a cookie banner or a sticky cart bar">
            Space below (px)
            <input
              type="number"
              min={0}
              max={MAX_LAUNCHER_OFFSET}
              step={1}
              value={value.theme.offset.bottom}
              onInput={(e) => setOffset({ bottom: Number(text(e)) })}
            />
          </label>
          <label title="Room to leave on the launcher's side of the window">
            Space beside (px)
            <input
              type="number"
              min={0}
              max={MAX_LAUNCHER_OFFSET}
              step={1}
              value={value.theme.offset.side}
              onInput={(e) => setOffset({ side: Number(text(e)) })}
            />
          </label>
          <label>
            Launcher text
            <input
              value={value.theme.launcherText}
              maxLength={40}
              onInput={(e) => set('theme', { launcherText: text(e) })}
            />
          </label>
          <label>
            Language
            <select
              value={value.language}
              onChange={(e) => onChange({ ...value, language: text(e) as SiteSettings['language'] })}
            >
              <option value="auto">Visitor's browser</option>
              <option value="en">English</option>
              <option value="ro">Română</option>
              <option value="pl">Polski</option>
            </select>
          </label>
        </div>
      </div>

      <div class="card grid">
        <h2>Business hours</h2>
        <div class="row">
          <label class="check">
            <input
              type="checkbox"
              checked={hours.enabled}
              onChange={(e) => set('businessHours', { enabled: checked(e) })}
            />{' '}
            Only open during these hours
          </label>
          <label>
            Time zone
            <input
              aria-label="Time zone"
              value={hours.timeZone}
              placeholder="Europe/Bucharest"
              onInput={(e) => set('businessHours', { timeZone: text(e) })}
            />
          </label>
        </div>
        <table class="hours">
          <tbody>
            {DAYS.map(([day, name]) => {
              const interval = dayInterval(day);
              return (
                <tr key={day} class={interval ? '' : 'closed'}>
                  <td>
                    <label class="check">
                      <input
                        type="checkbox"
                        checked={Boolean(interval)}
                        disabled={!hours.enabled}
                        onChange={(e) => setDay(day, checked(e) ? { from: '09:00', to: '17:00' } : null)}
                      />{' '}
                      {name}
                    </label>
                  </td>
                  <td>
                    {interval ? (
                      <span class="hours-range">
                        <input
                          type="time"
                          aria-label={`${name} opens`}
                          value={interval.from}
                          disabled={!hours.enabled}
                          onInput={(e) => setDay(day, { ...interval, from: text(e) })}
                        />
                        –
                        <input
                          type="time"
                          aria-label={`${name} closes`}
                          value={interval.to}
                          disabled={!hours.enabled}
                          onInput={(e) => setDay(day, { ...interval, to: text(e) })}
                        />
                      </span>
                    ) : (
                      <span class="muted">Closed</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div class="row">
          <label>
            When nobody is available
            <select
              value={value.offline.behaviour}
              onChange={(e) => set('offline', { behaviour: text(e) as 'hide' | 'form' | 'chat' })}
            >
              <option value="chat">Keep chat open, reply later</option>
              <option value="form">Show a contact form</option>
              <option value="hide">Hide the widget</option>
            </select>
          </label>
          <label>
            Expected reply time (minutes)
            <input
              type="number"
              min={1}
              value={value.offline.expectedReplyMinutes}
              onInput={(e) => set('offline', { expectedReplyMinutes: Number(text(e)) })}
            />
          </label>
        </div>
      </div>

      <div class="card grid">
        <h2>Pre-chat form</h2>
        <label class="check">
          <input
            type="checkbox"
            checked={value.preChat.enabled}
            onChange={(e) => set('preChat', { enabled: checked(e) })}
          />{' '}
          Ask these questions before the chat starts
        </label>
        <ul class="editable-list">
          {value.preChat.fields.map((field, index) => (
            <li key={field.key}>
              <input
                aria-label="Question"
                value={field.label}
                onInput={(e) =>
                  set('preChat', {
                    fields: value.preChat.fields.map((f, i) => (i === index ? { ...f, label: text(e) } : f)),
                  })
                }
              />
              <select
                aria-label="Answer type"
                value={field.type}
                onChange={(e) =>
                  set('preChat', {
                    fields: value.preChat.fields.map((f, i) =>
                      i === index ? { ...f, type: text(e) as 'text' | 'email' | 'tel' } : f,
                    ),
                  })
                }
              >
                <option value="text">Text</option>
                <option value="email">Email</option>
                <option value="tel">Phone</option>
              </select>
              <label class="check">
                <input
                  type="checkbox"
                  checked={field.required}
                  onChange={(e) =>
                    set('preChat', {
                      fields: value.preChat.fields.map((f, i) =>
                        i === index ? { ...f, required: checked(e) } : f,
                      ),
                    })
                  }
                />{' '}
                required
              </label>
              <button
                type="button"
                class="link small"
                onClick={() => set('preChat', { fields: value.preChat.fields.filter((_, i) => i !== index) })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <div>
          <button
            type="button"
            class="small"
            disabled={value.preChat.fields.length >= 10}
            onClick={() => {
              const label = value.preChat.fields.some((f) => f.key === 'name') ? 'Question' : 'Name';
              const key = keyFor(
                label,
                value.preChat.fields.map((f) => f.key),
              );
              set('preChat', {
                fields: [...value.preChat.fields, { key, label, type: 'text', required: false }],
              });
            }}
          >
            + Add a question
          </button>
        </div>
        <label>
          Consent text <span class="muted small">optional: the visitor ticks it before chatting</span>
          <input
            value={value.preChat.consentText ?? ''}
            onInput={(e) => set('preChat', { consentText: text(e) || null })}
          />
        </label>
      </div>

      <div class="card grid">
        <h2>Proactive messages</h2>
        <p class="muted">The widget greets visitors by itself after some time on matching pages.</p>
        <ul class="editable-list">
          {value.proactive.map((message, index) => {
            const update = (change: Partial<typeof message>) =>
              onChange({
                ...value,
                proactive: value.proactive.map((m, i) => (i === index ? { ...m, ...change } : m)),
              });
            return (
              <li key={message.id}>
                <input aria-label="Message" value={message.text} onInput={(e) => update({ text: text(e) })} />
                <input
                  aria-label="Pages"
                  placeholder="every page, or /products/*"
                  value={message.urlPattern ?? ''}
                  onInput={(e) => update({ urlPattern: text(e) || null })}
                />
                <label class="inline">
                  after
                  <input
                    type="number"
                    min={0}
                    max={3600}
                    aria-label="Delay in seconds"
                    value={message.delaySec}
                    onInput={(e) => update({ delaySec: Number(text(e)) })}
                  />
                  s
                </label>
                <button
                  type="button"
                  class="link small"
                  onClick={() =>
                    onChange({ ...value, proactive: value.proactive.filter((_, i) => i !== index) })
                  }
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
        <div>
          <button
            type="button"
            class="small"
            disabled={value.proactive.length >= 20}
            onClick={() =>
              onChange({
                ...value,
                proactive: [
                  ...value.proactive,
                  {
                    id: `p${Date.now().toString(36)}`,
                    text: 'Need a hand choosing? We are here.',
                    delaySec: 20,
                    urlPattern: null,
                  },
                ],
              })
            }
          >
            + Add a proactive message
          </button>
        </div>
      </div>
    </>
  );
}
