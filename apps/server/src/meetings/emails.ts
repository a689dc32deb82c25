// What meeting emails say: invites, updates, cancellations, reminders and the written summary.
// Times are written in the reader's own zone, with the zone named.

import { TZDate } from '@date-fns/tz';
import type { ActionItem } from '@parley/protocol';
import { format } from 'date-fns';
import type { MeetingMail } from './mailer';

export interface MailMeeting {
  title: string;
  agenda: string;
  start: Date;
  end: Date;
  link: { url: string; label: string } | null;
  host: { name: string; email: string; timeZone: string };
  attendee: { name: string; email: string; timeZone: string };
}

/** Signed links for the visitor; the host manages the meeting from the console. */
export interface ManageLinks {
  reschedule: string;
  cancel: string;
}

export function when(start: Date, end: Date, timeZone: string): string {
  const from = new TZDate(start.getTime(), timeZone);
  const to = new TZDate(end.getTime(), timeZone);
  return `${format(from, 'EEEE d MMMM yyyy, HH:mm')}–${format(to, 'HH:mm')} (${timeZone})`;
}

function body(meeting: MailMeeting, timeZone: string, lead: string, links: ManageLinks | null): string {
  const lines = [lead, '', `When: ${when(meeting.start, meeting.end, timeZone)}`];
  if (meeting.link) lines.push(`Where: ${meeting.link.label}`);
  lines.push(`With: ${meeting.host.name} and ${meeting.attendee.name}`, '', 'Agenda:', meeting.agenda);
  if (links) lines.push('', `Need another time? ${links.reschedule}`, `Can't make it? ${links.cancel}`);
  return lines.join('\n');
}

type Reader = 'attendee' | 'host';

const readerOf = (meeting: MailMeeting, reader: Reader) =>
  reader === 'host' ? meeting.host : meeting.attendee;

export function inviteMail(
  meeting: MailMeeting,
  reader: Reader,
  kind: 'new' | 'update',
  calendar: string,
  links: ManageLinks | null,
): MeetingMail {
  const to = readerOf(meeting, reader);
  const lead =
    kind === 'new'
      ? `${meeting.title} is booked. The invitation is attached; add it to your calendar.`
      : `${meeting.title} has moved. The updated invitation is attached.`;
  return {
    to: to.email,
    subject: `${kind === 'new' ? 'Invitation' : 'Updated invitation'}: ${meeting.title} — ${when(meeting.start, meeting.end, to.timeZone)}`,
    text: body(meeting, to.timeZone, lead, reader === 'attendee' ? links : null),
    icalEvent: { method: 'REQUEST', content: calendar },
  };
}

export function cancelMail(
  meeting: MailMeeting,
  reader: Reader,
  calendar: string,
  reason: string | null,
): MeetingMail {
  const to = readerOf(meeting, reader);
  const lead = `${meeting.title} is cancelled.${reason ? ` Reason: ${reason}` : ''}`;
  return {
    to: to.email,
    subject: `Cancelled: ${meeting.title} — ${when(meeting.start, meeting.end, to.timeZone)}`,
    text: body(meeting, to.timeZone, lead, null),
    icalEvent: { method: 'CANCEL', content: calendar },
  };
}

function inWords(minutes: number): string {
  if (minutes % (24 * 60) === 0) return minutes === 24 * 60 ? '24 hours' : `${minutes / (24 * 60)} days`;
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

export function reminderMail(
  meeting: MailMeeting,
  reader: Reader,
  minutesBefore: number,
  links: ManageLinks | null,
): MeetingMail {
  const to = readerOf(meeting, reader);
  return {
    to: to.email,
    subject: `Reminder: ${meeting.title} in ${inWords(minutesBefore)}`,
    text: body(
      meeting,
      to.timeZone,
      `${meeting.title} starts in ${inWords(minutesBefore)}.`,
      reader === 'attendee' ? links : null,
    ),
  };
}

export interface SummaryContent {
  notes: string;
  decisions: readonly string[];
  actionItems: readonly ActionItem[];
}

/** The written outcome as plain text: also the body of the timeline entry. */
export function summaryText(meeting: Pick<MailMeeting, 'title'>, outcome: SummaryContent): string {
  const lines = [`Summary of ${meeting.title}`];
  if (outcome.notes) lines.push('', 'Notes:', outcome.notes);
  if (outcome.decisions.length > 0) lines.push('', 'Decisions:', ...outcome.decisions.map((d) => `- ${d}`));
  if (outcome.actionItems.length > 0) {
    lines.push(
      '',
      'Action items:',
      ...outcome.actionItems.map((a) => `- ${a.text} (owner: ${a.owner}, due ${a.due})`),
    );
  }
  return lines.join('\n');
}

export function summaryMail(meeting: MailMeeting, outcome: SummaryContent): MeetingMail {
  return {
    to: meeting.attendee.email,
    subject: `Summary: ${meeting.title}`,
    text: `${summaryText(meeting, outcome)}\n\nMet on ${when(meeting.start, meeting.end, meeting.attendee.timeZone)} with ${meeting.host.name}.`,
  };
}
