// An agent's own booking hours: weekly hours in their time zone, date exceptions (days off or
// other hours) and the meeting lengths they offer.
import type { DateException, ScheduleInput, WeeklyHours } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { problem } from '../api';
import { browserZone, meetingsApi } from './api';
import './meetings.css';

const DAYS = [1, 2, 3, 4, 5, 6, 0] as const;
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LENGTHS = [15, 20, 30, 45, 60, 90];

const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

/** A fresh agent's week: 09:00–17:00 on weekdays, 30-minute meetings, in the browser's zone. */
const defaultSchedule = (): ScheduleInput => ({
  timeZone: browserZone(),
  weekly: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '09:00', end: '17:00' })),
  exceptions: [],
  lengths: [30],
});

/** What is wrong with a schedule before it is sent, in words; null when it can be saved. */
export function scheduleProblem(input: ScheduleInput): string | null {
  for (const range of input.weekly)
    if (range.start >= range.end) return `${DAY_NAMES[range.day]}: the hours must end after they start.`;
  for (const exception of input.exceptions) {
    if (!exception.date) return 'Each exception needs a date.';
    for (const range of exception.hours)
      if (range.start >= range.end) return `${exception.date}: the hours must end after they start.`;
  }
  if (new Set(input.exceptions.map((e) => e.date)).size !== input.exceptions.length)
    return 'Only one exception per date.';
  if (input.lengths.length === 0) return 'Offer at least one meeting length.';
  return null;
}

export function ScheduleForm() {
  const [draft, setDraft] = useState<ScheduleInput | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    meetingsApi.schedule().then(
      ({ schedule }) =>
        setDraft(
          schedule
            ? {
                timeZone: schedule.timeZone,
                weekly: schedule.weekly,
                exceptions: schedule.exceptions,
                lengths: schedule.lengths,
              }
            : defaultSchedule(),
        ),
      (e) => setMessage({ kind: 'error', text: problem(e) }),
    );
  }, []);
  if (!draft) return <p class="muted">{message?.text ?? 'Loading…'}</p>;

  const set = (change: Partial<ScheduleInput>) => {
    setDraft({ ...draft, ...change });
    setMessage(null);
  };
  const setWeekly = (weekly: WeeklyHours[]) => set({ weekly });
  const setException = (index: number, exception: DateException | null) =>
    set({
      exceptions: exception
        ? draft.exceptions.map((e, i) => (i === index ? exception : e))
        : draft.exceptions.filter((_, i) => i !== index),
    });

  const save = async (event: Event) => {
    event.preventDefault();
    const invalid = scheduleProblem(draft);
    if (invalid) return setMessage({ kind: 'error', text: invalid });
    try {
      const { schedule } = await meetingsApi.saveSchedule(draft);
      setDraft({ ...draft, lengths: schedule.lengths });
      setMessage({ kind: 'ok', text: 'Saved. New offers use these hours.' });
    } catch (e) {
      setMessage({ kind: 'error', text: problem(e) });
    }
  };

  return (
    <form class="schedule-form" aria-label="Meeting schedule" onSubmit={save}>
      <div class="card">
        <h2>Time zone</h2>
        <label>
          Your hours are in
          <select value={draft.timeZone} onChange={(e) => set({ timeZone: e.currentTarget.value })}>
            {[...new Set([draft.timeZone, ...ZONES])].map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="card">
        <h2>Weekly hours</h2>
        {DAYS.map((day) => {
          const ranges = draft.weekly.filter((r) => r.day === day);
          return (
            <div class="week-row" key={day}>
              <label class="week-day">
                <input
                  type="checkbox"
                  checked={ranges.length > 0}
                  onChange={(e) =>
                    setWeekly(
                      e.currentTarget.checked
                        ? [...draft.weekly, { day, start: '09:00', end: '17:00' }]
                        : draft.weekly.filter((r) => r.day !== day),
                    )
                  }
                />
                {DAY_NAMES[day]}
              </label>
              <div class="week-ranges">
                {ranges.length === 0 && <span class="muted">Unavailable</span>}
                {ranges.map((range) => (
                  <span class="range" key={`${range.start}-${range.end}`}>
                    <input
                      type="time"
                      aria-label={`${DAY_NAMES[day]} from`}
                      value={range.start}
                      onChange={(e) =>
                        setWeekly(
                          draft.weekly.map((r) => (r === range ? { ...r, start: e.currentTarget.value } : r)),
                        )
                      }
                    />
                    –
                    <input
                      type="time"
                      aria-label={`${DAY_NAMES[day]} until`}
                      value={range.end}
                      onChange={(e) =>
                        setWeekly(
                          draft.weekly.map((r) => (r === range ? { ...r, end: e.currentTarget.value } : r)),
                        )
                      }
                    />
                    {ranges.length > 1 && (
                      <button
                        type="button"
                        class="link"
                        aria-label={`Remove ${DAY_NAMES[day]} ${range.start}–${range.end}`}
                        onClick={() => setWeekly(draft.weekly.filter((r) => r !== range))}
                      >
                        ✕
                      </button>
                    )}
                  </span>
                ))}
                {ranges.length > 0 && (
                  <button
                    type="button"
                    class="link small"
                    onClick={() => setWeekly([...draft.weekly, { day, start: '18:00', end: '19:00' }])}
                  >
                    + hours
                  </button>
                )}
              </div>
            </div>
          );
        })}
      </div>
      <div class="card">
        <h2>Exceptions</h2>
        <p class="muted">Days off, or other hours on one date. They replace that day's weekly hours.</p>
        {draft.exceptions.map((exception, index) => (
          <div class="week-row" key={`${index}-${exception.date}`}>
            <input
              type="date"
              aria-label={`Exception ${index + 1} date`}
              value={exception.date}
              onChange={(e) => setException(index, { ...exception, date: e.currentTarget.value })}
            />
            <select
              aria-label={`Exception ${index + 1} kind`}
              value={exception.hours.length === 0 ? 'off' : 'hours'}
              onChange={(e) =>
                setException(index, {
                  ...exception,
                  hours: e.currentTarget.value === 'off' ? [] : [{ start: '10:00', end: '14:00' }],
                })
              }
            >
              <option value="off">Day off</option>
              <option value="hours">Other hours</option>
            </select>
            {exception.hours.map((range, r) => (
              <span class="range" key={`${range.start}-${range.end}`}>
                <input
                  type="time"
                  aria-label={`Exception ${index + 1} from`}
                  value={range.start}
                  onChange={(e) =>
                    setException(index, {
                      ...exception,
                      hours: exception.hours.map((h, i) =>
                        i === r ? { ...h, start: e.currentTarget.value } : h,
                      ),
                    })
                  }
                />
                –
                <input
                  type="time"
                  aria-label={`Exception ${index + 1} until`}
                  value={range.end}
                  onChange={(e) =>
                    setException(index, {
                      ...exception,
                      hours: exception.hours.map((h, i) =>
                        i === r ? { ...h, end: e.currentTarget.value } : h,
                      ),
                    })
                  }
                />
              </span>
            ))}
            <button type="button" class="link" onClick={() => setException(index, null)}>
              Remove
            </button>
          </div>
        ))}
        <div>
          <button
            type="button"
            class="small"
            onClick={() => set({ exceptions: [...draft.exceptions, { date: '', hours: [] }] })}
          >
            + Add an exception
          </button>
        </div>
      </div>
      <div class="card">
        <h2>Meeting lengths you offer</h2>
        <div class="lengths">
          {[...new Set([...LENGTHS, ...draft.lengths])]
            .sort((a, b) => a - b)
            .map((minutes) => (
              <label key={minutes} class="check">
                <input
                  type="checkbox"
                  checked={draft.lengths.includes(minutes)}
                  onChange={(e) =>
                    set({
                      lengths: e.currentTarget.checked
                        ? [...draft.lengths, minutes].sort((a, b) => a - b)
                        : draft.lengths.filter((l) => l !== minutes),
                    })
                  }
                />
                {minutes} min
              </label>
            ))}
        </div>
      </div>
      {message && (
        <p class={`flash ${message.kind}`} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="primary">
          Save schedule
        </button>
      </div>
    </form>
  );
}
