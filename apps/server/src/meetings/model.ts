// Meetings' documents: each agent's schedule (with the busy times that bookings claim on it),
// each site's booking rules, and the meetings themselves, from offer to outcome.
import type {
  Attendee,
  Channel,
  DateException,
  MeetingLinkTemplate,
  MeetingOutcome,
  MeetingStatus,
  SiteMeetingSettings,
  WeeklyHours,
} from '@parley/protocol';
import type { ObjectId } from 'mongodb';
import { type Connection, Schema } from 'mongoose';

const range = { start: { type: String, required: true }, end: { type: String, required: true } };

const scheduleSchema = new Schema(
  {
    agentId: { type: Schema.Types.ObjectId, required: true },
    /** Copied from the agent when the schedule is saved: invites name the organizer. */
    agentName: { type: String, required: true },
    agentEmail: { type: String, required: true },
    timeZone: { type: String, required: true },
    weekly: {
      type: [new Schema({ day: { type: Number, required: true }, ...range }, { _id: false })],
      default: [],
    },
    exceptions: {
      type: [
        new Schema(
          {
            date: { type: String, required: true },
            hours: { type: [new Schema(range, { _id: false })], default: [] },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    lengths: { type: [Number], default: [30] },
    /**
     * Booked time, buffer included. A booking is a conditional $push that only matches while no
     * entry overlaps it: one document, one atomic update, so two bookings can never both land.
     */
    busy: {
      type: [
        new Schema(
          {
            /** Names this claim, so a booking that loses a later race takes back only its own. */
            claimId: { type: Schema.Types.ObjectId, required: true },
            meetingId: { type: Schema.Types.ObjectId, required: true },
            start: { type: Date, required: true },
            until: { type: Date, required: true },
            claimedAt: { type: Date, required: true },
            /** Set once the meeting holds this time; an old unconfirmed claim is checked and settled. */
            confirmed: { type: Boolean, default: false },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
  },
  { timestamps: true },
);
scheduleSchema.index({ agentId: 1 }, { unique: true });

const settingsSchema = new Schema(
  {
    siteId: { type: Schema.Types.ObjectId, required: true },
    minNoticeMinutes: { type: Number, required: true },
    horizonDays: { type: Number, required: true },
    bufferMinutes: { type: Number, required: true },
    slotStepMinutes: { type: Number, required: true },
    reminderMinutes: { type: [Number], required: true },
    link: {
      kind: { type: String, enum: ['video', 'fixed', 'phone'], required: true },
      pattern: { type: String },
      url: { type: String },
      number: { type: String },
    },
  },
  { timestamps: true },
);
settingsSchema.index({ siteId: 1 }, { unique: true });

const reminderSchema = new Schema(
  {
    minutesBefore: { type: Number, required: true },
    dueAt: { type: Date, required: true },
    /**
     * pending → sending (claimed, with a lease) → sent, once its emails are owed (in `mails`);
     * skipped when it came due after the start.
     */
    state: { type: String, enum: ['pending', 'sending', 'sent', 'skipped'], required: true },
    claimedAt: { type: Date, default: null },
    claimToken: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { _id: false },
);

const mailSchema = new Schema(
  {
    kind: { type: String, enum: ['invite', 'update', 'cancel', 'summary', 'reminder'], required: true },
    to: { type: String, enum: ['attendee', 'host'], required: true },
    /** A reminder's: how long before the start it was planned for. */
    minutesBefore: { type: Number },
    /** The SEQUENCE it announces: an invite or update that a later change overtook is not sent. */
    sequence: { type: Number, required: true },
    /** pending → sending (claimed, with a lease) → sent; superseded when overtaken; failed when the outbox policy gives it up. */
    state: { type: String, enum: ['pending', 'sending', 'sent', 'superseded', 'failed'], required: true },
    attempts: { type: Number, default: 0 },
    /** When it is next tried: now when written, later after each failed attempt. */
    dueAt: { type: Date, required: true },
    claimedAt: { type: Date, default: null },
    claimToken: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { _id: false },
);

const meetingSchema = new Schema(
  {
    siteId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: Schema.Types.ObjectId, required: true },
    offeredBy: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['offered', 'booked', 'cancelled', 'completed'], required: true },
    title: { type: String, required: true },
    agenda: { type: String, required: true },
    lengthMinutes: { type: Number, required: true },
    agentIds: { type: [Schema.Types.ObjectId], required: true },
    agentId: { type: Schema.Types.ObjectId, default: null },
    start: { type: Date, default: null },
    end: { type: Date, default: null },
    attendee: { type: new Schema({ name: String, email: String }, { _id: false }), default: null },
    timeZone: { type: String, default: null },
    link: {
      type: new Schema({ kind: String, url: String, label: String }, { _id: false }),
      default: null,
    },
    /** Unguessable part of the video room URL. */
    room: { type: String, required: true },
    /**
     * The key this meeting's links are signed with; never leaves the server. Replaced on every
     * booking, reschedule and cancellation, so the links sent before stop working.
     */
    linkKey: { type: String, required: true },
    /** The client id of each of its timeline events, by step ("offered", "moved-2"…), chosen with the change. */
    timelineIds: { type: Schema.Types.Mixed, default: {} },
    /** iCalendar SEQUENCE: 0 for the first invite, +1 for every reschedule or cancellation. */
    sequence: { type: Number, default: 0 },
    reminders: { type: [reminderSchema], default: [] },
    /** The emails each change owes (invites, updates, cancellations, the summary), written with the change. */
    mails: { type: [mailSchema], default: [] },
    outcome: {
      type: new Schema(
        {
          notes: String,
          decisions: [String],
          actionItems: [new Schema({ text: String, owner: String, due: String }, { _id: false })],
          recordedAt: Date,
          recordedBy: Schema.Types.ObjectId,
        },
        { _id: false },
      ),
      default: null,
    },
    /** The conversation's channel when offered: the one its timeline events are filed under. */
    channel: { type: String, enum: ['chat', 'email'], default: 'chat' },
    offerExpiresAt: { type: Date, required: true },
    cancelReason: { type: String, default: null },
  },
  { timestamps: true },
);
meetingSchema.index({ agentId: 1, status: 1, start: 1 });
meetingSchema.index({ conversationId: 1, createdAt: 1 });
meetingSchema.index({ siteId: 1, status: 1 });
meetingSchema.index({ status: 1, 'reminders.state': 1, 'reminders.dueAt': 1 });
meetingSchema.index({ 'mails.state': 1, 'mails.dueAt': 1 });

// The documents as stored. The schemas above declare indexes and defaults; the service writes
// through the native collections with these shapes.
export interface BusyEntry {
  claimId: ObjectId;
  meetingId: ObjectId;
  start: Date;
  until: Date;
  claimedAt: Date;
  confirmed: boolean;
}

export interface ScheduleDoc {
  _id: ObjectId;
  agentId: ObjectId;
  agentName: string;
  agentEmail: string;
  timeZone: string;
  weekly: WeeklyHours[];
  exceptions: DateException[];
  lengths: number[];
  busy: BusyEntry[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SettingsDoc extends Omit<SiteMeetingSettings, 'siteId' | 'link'> {
  _id: ObjectId;
  siteId: ObjectId;
  link: { kind: MeetingLinkTemplate['kind']; pattern?: string; url?: string; number?: string };
  createdAt: Date;
  updatedAt: Date;
}

export interface ReminderEntry {
  minutesBefore: number;
  dueAt: Date;
  state: 'pending' | 'sending' | 'sent' | 'skipped';
  claimedAt: Date | null;
  claimToken: string | null;
  sentAt: Date | null;
}

export interface MailEntry {
  kind: 'invite' | 'update' | 'cancel' | 'summary' | 'reminder';
  to: 'attendee' | 'host';
  minutesBefore?: number;
  sequence: number;
  state: 'pending' | 'sending' | 'sent' | 'superseded' | 'failed';
  attempts: number;
  dueAt: Date;
  claimedAt: Date | null;
  claimToken: string | null;
  sentAt: Date | null;
}

export interface MeetingDoc {
  _id: ObjectId;
  siteId: ObjectId;
  conversationId: ObjectId;
  visitorId: ObjectId;
  offeredBy: ObjectId;
  status: MeetingStatus;
  title: string;
  agenda: string;
  lengthMinutes: number;
  agentIds: ObjectId[];
  agentId: ObjectId | null;
  start: Date | null;
  end: Date | null;
  attendee: Attendee | null;
  timeZone: string | null;
  link: { kind: MeetingLinkTemplate['kind']; url: string; label: string } | null;
  room: string;
  linkKey: string;
  /** Absent on meetings stored before the ids were kept. */
  timelineIds?: Record<string, string>;
  sequence: number;
  reminders: ReminderEntry[];
  /** Absent on meetings stored before mails were kept. */
  mails?: MailEntry[];
  outcome:
    | (Omit<MeetingOutcome, 'recordedAt' | 'recordedBy'> & { recordedAt: Date; recordedBy: ObjectId })
    | null;
  channel: Channel;
  offerExpiresAt: Date;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const buildSchedule = (connection: Connection) => connection.model('MeetingSchedule', scheduleSchema);
const buildSettings = (connection: Connection) => connection.model('MeetingSettings', settingsSchema);
const buildMeeting = (connection: Connection) => connection.model('Meeting', meetingSchema);

export function scheduleModel(connection: Connection): ReturnType<typeof buildSchedule> {
  return (
    (connection.models.MeetingSchedule as ReturnType<typeof buildSchedule> | undefined) ??
    buildSchedule(connection)
  );
}

export function settingsModel(connection: Connection): ReturnType<typeof buildSettings> {
  return (
    (connection.models.MeetingSettings as ReturnType<typeof buildSettings> | undefined) ??
    buildSettings(connection)
  );
}

export function meetingModel(connection: Connection): ReturnType<typeof buildMeeting> {
  return (
    (connection.models.Meeting as ReturnType<typeof buildMeeting> | undefined) ?? buildMeeting(connection)
  );
}
