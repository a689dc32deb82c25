// The small pages the links in meeting emails open: pick a time (book or reschedule) or cancel.
// Server-rendered forms, so a link works from any mail client and browser without the widget.
import type { Failure, Meeting, Slot } from '@parley/protocol';
import { HTTP_STATUS } from '@parley/protocol';
import { escapeHtml } from '../shared/html';
import { when } from './emails';

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1f2933}
fieldset{border:1px solid #d9e2ec;border-radius:8px;margin:0 0 1rem}label{display:block;margin:.25rem 0}
input[type=text],input[type=email]{width:100%;padding:.4rem;box-sizing:border-box}
button{padding:.5rem 1rem;border:0;border-radius:6px;background:#2563eb;color:#fff;font-size:1rem}</style>
</head><body>${body}</body></html>`;
}

export interface Page {
  status: number;
  html: string;
}

/** The page of a link: slots to pick from, or the cancel confirmation. */
export function linkPage(
  action: 'book' | 'reschedule' | 'cancel',
  token: string,
  timeZone: string | null,
  view: { meeting: Meeting; slots?: Slot[] },
): Page {
  const { meeting } = view;
  const heading = `<h1>${escapeHtml(meeting.title)}</h1><p>${meeting.lengthMinutes} minutes</p><pre>${escapeHtml(meeting.agenda)}</pre>`;
  const hidden = `<input type="hidden" name="t" value="${escapeHtml(token)}">`;
  if (action === 'cancel') {
    return {
      status: 200,
      html: shell(
        `Cancel ${meeting.title}`,
        `${heading}<form method="post" action="cancel/form">${hidden}
<label>Reason (optional) <input type="text" name="reason" maxlength="1000"></label>
<button>Cancel the meeting</button></form>`,
      ),
    };
  }
  if (!timeZone) {
    // Times are shown in the reader's zone, which only the browser knows.
    const zone = meeting.timeZone
      ? `'${meeting.timeZone}'`
      : 'Intl.DateTimeFormat().resolvedOptions().timeZone';
    return {
      status: 200,
      html: shell(
        meeting.title,
        `${heading}<p>Loading the free times…</p><script>var u=new URL(location.href);u.searchParams.set('tz',${zone}||'UTC');location.replace(u)</script>
<noscript><a href="?t=${escapeHtml(token)}&amp;tz=UTC">Show the free times (UTC)</a></noscript>`,
      ),
    };
  }
  const days = new Map<string, Slot[]>();
  for (const slot of view.slots ?? []) days.set(slot.date, [...(days.get(slot.date) ?? []), slot]);
  const choices = [...days.values()]
    .map(
      (slots) =>
        `<fieldset><legend>${escapeHtml(slots[0]!.label.split(',')[0]!)}</legend>${slots
          .map(
            (slot) =>
              `<label><input type="radio" name="start" value="${escapeHtml(slot.start)}" required> ${escapeHtml(slot.label.split(', ')[1] ?? slot.label)}</label>`,
          )
          .join('')}</fieldset>`,
    )
    .join('');
  const who =
    action === 'book'
      ? `<label>Your name <input type="text" name="name" required maxlength="200"></label>
<label>Your email <input type="email" name="email" required maxlength="320"></label>`
      : '';
  return {
    status: 200,
    html: shell(
      meeting.title,
      `${heading}<p>Times in ${escapeHtml(timeZone)}.</p>${
        days.size === 0
          ? '<p>No free times right now. Reply in the chat and we will find one.</p>'
          : `<form method="post" action="${action}/form">${hidden}<input type="hidden" name="tz" value="${escapeHtml(timeZone)}">${choices}${who}<button>${action === 'book' ? 'Book' : 'Move the meeting'}</button></form>`
      }`,
    ),
  };
}

/** What happened after a form was sent, or why a link cannot be used. */
export function resultPage(result: { ok: true; meeting: Meeting } | Failure): Page {
  if (!result.ok) {
    return {
      status: HTTP_STATUS[result.code],
      html: shell('Not possible', `<h1>Not possible</h1><p>${escapeHtml(result.message)}</p>`),
    };
  }
  const { meeting } = result;
  const text =
    meeting.status === 'cancelled'
      ? 'The meeting is cancelled. A cancellation has been emailed to you.'
      : `The meeting is set for ${escapeHtml(when(new Date(meeting.start!), new Date(meeting.end!), meeting.timeZone ?? 'UTC'))}. The invitation is on its way to your inbox.`;
  return { status: 200, html: shell(meeting.title, `<h1>${escapeHtml(meeting.title)}</h1><p>${text}</p>`) };
}
