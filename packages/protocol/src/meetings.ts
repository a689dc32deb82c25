// Meetings on the wire: availability, offers, bookings and outcomes. Times cross the wire as ISO
// 8601 instants in UTC; wall-clock times ("09:00") only ever appear with the zone they belong to.
import type { Ack } from './events';

/** A wall-clock range on one day, "HH:mm" to "HH:mm", in the schedule's time zone. */
export interface HoursRange {
  start: string;
  end: string;
}

/** Working hours on one weekday: 0 is Sunday, 6 is Saturday. */
export interface WeeklyHours extends HoursRange {
  day: 0 | 1 | 2 | 3 | 4 | 5 | 6;
}

/** The hours of one date ("YYYY-MM-DD" in the agent's zone), replacing that weekday's: none is a day off. */
export interface DateException {
  date: string;
  hours: HoursRange[];
}

/** When an agent can be booked, in the agent's own IANA time zone. */
export interface AgentSchedule {
  agentId: string;
  timeZone: string;
  weekly: WeeklyHours[];
  exceptions: DateException[];
  /** Meeting lengths the agent offers, in minutes. */
  lengths: number[];
}

/** Where a meeting happens: a video room made from a URL pattern, one fixed link, or a phone number. */
export type MeetingLinkTemplate =
  | { kind: 'video'; pattern: string }
  | { kind: 'fixed'; url: string }
  | { kind: 'phone'; number: string };

/** Booking rules of a site. */
export interface SiteMeetingSettings {
  siteId: string;
  minNoticeMinutes: number;
  horizonDays: number;
  bufferMinutes: number;
  /** Slots start every this many minutes from the start of working hours. */
  slotStepMinutes: number;
  /** Minutes before the start at which reminders are emailed. */
  reminderMinutes: number[];
  link: MeetingLinkTemplate;
}

/** A bookable time, in UTC; `date` and `label` present it in the zone it was asked for. */
export interface Slot {
  start: string;
  end: string;
  date: string;
  label: string;
}

export type MeetingStatus = 'offered' | 'booked' | 'cancelled' | 'completed';

export interface ActionItem {
  text: string;
  owner: string;
  /** "YYYY-MM-DD" */
  due: string;
}

export interface MeetingOutcome {
  notes: string;
  decisions: string[];
  actionItems: ActionItem[];
  recordedAt: string;
  recordedBy: string;
}

export interface Attendee {
  name: string;
  email: string;
}

/** A meeting as the console and the visitor see it. An offer is a meeting not booked yet. */
export interface Meeting {
  id: string;
  siteId: string;
  conversationId: string;
  status: MeetingStatus;
  title: string;
  agenda: string;
  lengthMinutes: number;
  /** Who may host it: one agent, or a team booked round-robin. */
  agentIds: string[];
  /** The host, once booked. */
  agentId: string | null;
  start: string | null;
  end: string | null;
  attendee: Attendee | null;
  /** The visitor's zone, as given when booking. */
  timeZone: string | null;
  link: { kind: MeetingLinkTemplate['kind']; url: string; label: string } | null;
  /** The iCalendar SEQUENCE of the last invite sent. */
  sequence: number;
  outcome: MeetingOutcome | null;
  offerExpiresAt: string;
  createdAt: string;
}

/**
 * Signed links a visitor acts through. Never on the timeline (agents, exports and transcripts
 * read it): the widget asks for them with `meeting:links`, emails carry their own.
 */
export interface MeetingLinks {
  book?: string;
  reschedule?: string;
  cancel?: string;
}

/** `meeting:links`: the links of a meeting of one of the visitor's own conversations. */
export interface MeetingLinksPayload {
  meetingId: string;
}

/** Visitor → relay meeting events. Merged into VisitorClientToServerEvents. */
export type MeetingWidgetClientToServerEvents = {
  /** What the meeting allows now: `book` while offered, `reschedule` and `cancel` once booked. */
  'meeting:links': (payload: MeetingLinksPayload, ack: Ack<{ links: MeetingLinks }>) => void;
};

/** `data.name` of the meeting events on a conversation's timeline. */
export type MeetingEventName =
  | 'meeting.offered'
  | 'meeting.booked'
  | 'meeting.rescheduled'
  | 'meeting.cancelled'
  | 'meeting.outcome';

export interface ScheduleInput {
  timeZone: string;
  weekly: WeeklyHours[];
  exceptions: DateException[];
  lengths: number[];
}

export type SiteMeetingSettingsInput = Omit<SiteMeetingSettings, 'siteId'>;

export interface OfferMeetingPayload {
  conversationId: string;
  lengthMinutes: number;
  /** One agent, or several for a round-robin team; defaults to the offering agent. */
  agentIds?: string[];
  title?: string;
  agenda: string;
}

export interface BookMeetingPayload {
  /** The signed token from the offer. */
  token: string;
  start: string;
  timeZone: string;
  attendee: Attendee;
}

export interface RescheduleMeetingPayload {
  start: string;
  timeZone?: string;
}

export interface CancelMeetingPayload {
  reason?: string;
}

/** Reschedule or cancel through a signed link: the token stands in for signing in. */
export interface LinkRescheduleMeetingPayload {
  token: string;
  start: string;
  timeZone: string;
}

export interface LinkCancelMeetingPayload {
  token: string;
  reason?: string;
}

export interface RecordOutcomePayload {
  notes: string;
  decisions: string[];
  actionItems: ActionItem[];
}
