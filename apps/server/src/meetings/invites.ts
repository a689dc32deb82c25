// iCalendar invites (RFC 5545 objects sent with RFC 5546 methods): REQUEST for a new or moved
// meeting, CANCEL for a cancelled one. Every version of a meeting shares one UID; SEQUENCE grows
// with each change, which is how calendars tell an update from a second meeting.
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';

export interface InviteInput {
  method: 'REQUEST' | 'CANCEL';
  uid: string;
  sequence: number;
  /** DTSTAMP: when this version of the invite was made. */
  stamp: Date;
  start: Date;
  end: Date;
  title: string;
  agenda: string;
  link: { url: string; label: string } | null;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
}

/**
 * The invite as iCalendar text, times in UTC.
 * @example invite({ method: 'REQUEST', uid: 'meeting-…@parley', sequence: 0, ... })
 */
export function invite(input: InviteInput): string {
  const calendar = ical({
    prodId: { company: 'Parley', product: 'Meetings', language: 'EN' },
    method: input.method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
  });
  const description = input.link ? `${input.agenda}\n\nJoin: ${input.link.label}` : input.agenda;
  calendar.createEvent({
    id: input.uid,
    sequence: input.sequence,
    stamp: input.stamp,
    start: input.start,
    end: input.end,
    summary: input.title,
    description,
    location: input.link?.label ?? null,
    url: input.link && /^https?:/.test(input.link.url) ? input.link.url : null,
    status: input.method === 'REQUEST' ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
    organizer: input.organizer,
    attendees: [
      {
        name: input.attendee.name,
        email: input.attendee.email,
        role: ICalAttendeeRole.REQ,
        status: input.method === 'REQUEST' ? ICalAttendeeStatus.NEEDSACTION : ICalAttendeeStatus.DECLINED,
        rsvp: input.method === 'REQUEST',
      },
    ],
  });
  return calendar.toString();
}
