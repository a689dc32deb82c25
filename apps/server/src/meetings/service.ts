// Meetings: schedules and site rules, offers made from a conversation, atomic booking, invites,
// reschedules and cancellations (by agents or through signed links), reminders and outcomes.
// Every step is also an event on the conversation's timeline, which never carries a link's token.
import { randomBytes } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import type {
  AgentSchedule,
  BookMeetingPayload,
  Failure,
  Meeting,
  MeetingEventName,
  MeetingLinks,
  OfferMeetingPayload,
  RecordOutcomePayload,
  Result,
  ScheduleInput,
  SiteMeetingSettings,
  SiteMeetingSettingsInput,
  Slot,
} from '@parley/protocol';
import { failure } from '@parley/protocol';
import { addDays } from 'date-fns';
import { type Collection, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Agent, AgentService } from '../agents/service';
import { agentActor } from '../conversations/actions';
import type { Actor, ConversationService } from '../conversations/service';
import { nextAttempt, OUTBOX_POLICY } from '../shared/outbox';
import { type AgendaDraft, draftAgenda } from './agenda';
import {
  cancelMail,
  inviteMail,
  type MailMeeting,
  type ManageLinks,
  reminderMail,
  summaryMail,
  summaryText,
} from './emails';
import { invite } from './invites';
import { type LinkAction, newLinkKey, signLink, verifyLink } from './links';
import type { Mailer, MeetingMail } from './mailer';
import {
  type MailEntry,
  type MeetingDoc,
  meetingModel,
  type ReminderEntry,
  type ScheduleDoc,
  type SettingsDoc,
  scheduleModel,
  settingsModel,
} from './model';
import { presentSlot, type SlotRules, type TeamSlot, teamSlots } from './slots';

const MINUTE = 60_000;

/** The emails a change owes, one per recipient, due now; written in the same update as the change. */
const owed = (
  kind: MailEntry['kind'],
  sequence: number,
  now: Date,
  to: MailEntry['to'][] = ['attendee', 'host'],
): MailEntry[] =>
  to.map((recipient) => ({
    kind,
    to: recipient,
    sequence,
    state: 'pending',
    attempts: 0,
    dueAt: now,
    claimedAt: null,
    claimToken: null,
    sentAt: null,
  }));
/** A reminder claimed this long ago without being marked sent is taken to have failed mid-send. */
const REMINDER_LEASE_MS = 5 * MINUTE;
/** A claim on an agent's time not confirmed by its meeting within this long is checked and settled. */
const CLAIM_SETTLE_MS = 2 * MINUTE;
/** Busy entries are kept this long after they end, then pruned. */
const BUSY_RETENTION_MS = 24 * 60 * MINUTE;

export interface MeetingServiceOptions {
  mailer: Mailer;
  /** Base URL of the signed links in emails and the widget. */
  publicUrl: string;
  /** Reminder times of sites that have not set their own, in minutes before the start. */
  reminderMinutes: number[];
  /** Video room URL pattern of sites that have not set a link; `{room}` becomes a random room name. */
  roomPattern: string;
  /** Who may host a site's meetings. */
  agents: Pick<AgentService, 'answering'>;
  /** The time, injectable for tests. */
  clock?: () => Date;
}

/** Who is acting on a meeting: an agent in the console, or whoever holds a signed link. */
export type MeetingActor = { kind: 'agent'; agent: Agent } | { kind: 'link'; token: string };

type VisitorActor = Extract<Actor, { kind: 'visitor' }>;

/**
 * The one answer to a link that does not hold, whether the meeting is missing, the token forged
 * or replaced by a later change: no id can be probed for existence through different answers.
 */
export const invalidLink = (): Failure =>
  failure('forbidden', 'this link is not valid; the latest email about this meeting has the current one');

/**
 * A timeline entry's client id: random, so nobody can name another conversation's entry, and
 * stored on the meeting in the same update as the change, so the server's own retry reuses it.
 */
const timelineId = (meetingId: ObjectId, key: string) =>
  `mtg-${meetingId.toHexString()}-${key}-${randomBytes(12).toString('base64url')}`;

/** The meetings of an agent's sites (every one for an admin), as a filter. */
const siteGuard = (agent: Agent): Record<string, unknown> =>
  agent.siteIds === null ? {} : { siteId: { $in: agent.siteIds.map((id) => new ObjectId(id)) } };

/** A refusal that comes with the slots still free, so the visitor can pick again at once. */
export type BookingFailure = Failure & { slots?: Slot[] };

export type MeetingResult = Result<{ meeting: Meeting; links: MeetingLinks }> | BookingFailure;

function toSchedule(doc: ScheduleDoc): AgentSchedule {
  return {
    agentId: doc.agentId.toHexString(),
    timeZone: doc.timeZone,
    weekly: doc.weekly.map((w) => ({ day: w.day, start: w.start, end: w.end })),
    exceptions: doc.exceptions.map((e) => ({
      date: e.date,
      hours: e.hours.map((h) => ({ start: h.start, end: h.end })),
    })),
    lengths: [...doc.lengths],
  };
}

function toMeeting(doc: MeetingDoc): Meeting {
  return {
    id: doc._id.toHexString(),
    siteId: doc.siteId.toHexString(),
    conversationId: doc.conversationId.toHexString(),
    status: doc.status,
    title: doc.title,
    agenda: doc.agenda,
    lengthMinutes: doc.lengthMinutes,
    agentIds: doc.agentIds.map((id) => id.toHexString()),
    agentId: doc.agentId?.toHexString() ?? null,
    start: doc.start?.toISOString() ?? null,
    end: doc.end?.toISOString() ?? null,
    attendee: doc.attendee,
    timeZone: doc.timeZone,
    link: doc.link,
    sequence: doc.sequence,
    outcome: doc.outcome
      ? {
          notes: doc.outcome.notes,
          decisions: doc.outcome.decisions,
          actionItems: doc.outcome.actionItems,
          recordedAt: doc.outcome.recordedAt.toISOString(),
          recordedBy: doc.outcome.recordedBy.toHexString(),
        }
      : null,
    offerExpiresAt: doc.offerExpiresAt.toISOString(),
    createdAt: doc.createdAt.toISOString(),
  };
}

export class MeetingService {
  private readonly schedules: Collection<ScheduleDoc>;
  private readonly settingsCollection: Collection<SettingsDoc>;
  private readonly meetings: Collection<MeetingDoc>;
  private readonly clock: () => Date;
  private readonly uidDomain: string;

  constructor(
    private readonly connection: Connection,
    private readonly conversations: ConversationService,
    private readonly options: MeetingServiceOptions,
  ) {
    // Native collections: the atomic claims below use operators that mongoose's sanitizeFilter
    // would neutralise, and nothing from the wire reaches these filters unparsed.
    this.schedules = scheduleModel(connection).collection as unknown as Collection<ScheduleDoc>;
    this.settingsCollection = settingsModel(connection).collection as unknown as Collection<SettingsDoc>;
    this.meetings = meetingModel(connection).collection as unknown as Collection<MeetingDoc>;
    this.clock = options.clock ?? (() => new Date());
    this.uidDomain = new URL(options.publicUrl).hostname || 'parley';
  }

  // Schedules and site rules

  async schedule(agentId: string): Promise<AgentSchedule | null> {
    const doc = await this.schedules.findOne({ agentId: new ObjectId(agentId) });
    return doc ? toSchedule(doc) : null;
  }

  /** Saves an agent's working hours, exceptions and lengths; bookings already made are kept. */
  async saveSchedule(
    agent: Pick<Agent, 'id' | 'name' | 'email'>,
    input: ScheduleInput,
  ): Promise<AgentSchedule> {
    const now = this.clock();
    const doc = await this.schedules.findOneAndUpdate(
      { agentId: new ObjectId(agent.id) },
      {
        $set: { ...input, agentName: agent.name, agentEmail: agent.email, updatedAt: now },
        $setOnInsert: { busy: [], createdAt: now },
      },
      { upsert: true, returnDocument: 'after' },
    );
    return toSchedule(doc!);
  }

  /** A site's booking rules; the defaults until the site sets its own. */
  async settings(siteId: string): Promise<SiteMeetingSettings> {
    const doc = await this.settingsCollection.findOne({ siteId: new ObjectId(siteId) });
    if (!doc) {
      return {
        siteId,
        minNoticeMinutes: 120,
        horizonDays: 30,
        bufferMinutes: 10,
        slotStepMinutes: 30,
        reminderMinutes: [...this.options.reminderMinutes],
        link: { kind: 'video', pattern: this.options.roomPattern },
      };
    }
    const link =
      doc.link?.kind === 'fixed'
        ? { kind: 'fixed' as const, url: doc.link.url ?? '' }
        : doc.link?.kind === 'phone'
          ? { kind: 'phone' as const, number: doc.link.number ?? '' }
          : { kind: 'video' as const, pattern: doc.link?.pattern ?? this.options.roomPattern };
    return {
      siteId,
      minNoticeMinutes: doc.minNoticeMinutes,
      horizonDays: doc.horizonDays,
      bufferMinutes: doc.bufferMinutes,
      slotStepMinutes: doc.slotStepMinutes,
      reminderMinutes: [...doc.reminderMinutes],
      link,
    };
  }

  async saveSettings(siteId: string, input: SiteMeetingSettingsInput): Promise<SiteMeetingSettings> {
    const now = this.clock();
    await this.settingsCollection.updateOne(
      { siteId: new ObjectId(siteId) },
      { $set: { ...input, updatedAt: now }, $setOnInsert: { createdAt: now } },
      { upsert: true },
    );
    return this.settings(siteId);
  }

  // Offers

  /** The agenda an offer starts from: the visitor's last question and the topics so far. */
  async draftAgenda(agent: Agent, conversationId: string): Promise<Result<AgendaDraft>> {
    const conversation = await this.conversations.get(agentActor(agent), conversationId);
    if (!conversation) return failure('not_found', 'no such conversation');
    const timeline = await this.conversations.timeline(conversationId);
    return { ok: true, ...draftAgenda(timeline, conversation.tags) };
  }

  /**
   * Offers a meeting in a conversation: an event on its timeline carrying the signed booking link
   * the widget's slot picker (or the email) uses.
   * @example meetings.offer(agent, { conversationId, lengthMinutes: 30, agenda: 'Setup review' })
   */
  async offer(
    agent: Agent,
    input: OfferMeetingPayload,
  ): Promise<Result<{ meeting: Meeting; links: MeetingLinks }>> {
    const conversation = await this.conversations.get(agentActor(agent), input.conversationId);
    if (!conversation) return failure('not_found', 'no such conversation');
    const agentIds = [...new Set(input.agentIds ?? [agent.id])];
    // The offering agent reaches the conversation, so answers its site; every other host must too.
    const others = agentIds.filter((id) => id !== agent.id);
    if (others.length > 0) {
      const answering = await this.options.agents.answering(conversation.siteId, others);
      const strangers = others.filter((id) => !answering.has(id));
      if (strangers.length > 0)
        return failure(
          'bad_request',
          `only agents of this site can host its meetings: ${strangers.join(', ')}`,
        );
    }
    const schedules = await this.schedules
      .find({ agentId: { $in: agentIds.map((id) => new ObjectId(id)) } })
      .toArray();
    const missing = agentIds.filter((id) => !schedules.some((s) => s.agentId.toHexString() === id));
    if (missing.length > 0)
      return failure('bad_request', `no working hours set for agent ${missing.join(', ')}`);
    if (!schedules.some((s) => s.lengths.includes(input.lengthMinutes))) {
      return failure('bad_request', `no one on this offer takes ${input.lengthMinutes}-minute meetings`);
    }
    const settings = await this.settings(conversation.siteId);
    const now = this.clock();
    const title = input.title || `Call with ${schedules.length === 1 ? schedules[0]!.agentName : 'our team'}`;
    const _id = new ObjectId();
    const doc: MeetingDoc = {
      _id,
      siteId: new ObjectId(conversation.siteId),
      conversationId: new ObjectId(conversation.id),
      visitorId: new ObjectId(conversation.visitorId),
      offeredBy: new ObjectId(agent.id),
      status: 'offered',
      title,
      agenda: input.agenda,
      lengthMinutes: input.lengthMinutes,
      agentIds: agentIds.map((id) => new ObjectId(id)),
      agentId: null,
      start: null,
      end: null,
      attendee: null,
      timeZone: null,
      link: null,
      room: randomBytes(9).toString('base64url'),
      linkKey: newLinkKey(),
      timelineIds: { offered: timelineId(_id, 'offered') },
      sequence: 0,
      reminders: [],
      mails: [],
      outcome: null,
      channel: conversation.channel,
      offerExpiresAt: new Date(now.getTime() + settings.horizonDays * 24 * 60 * MINUTE),
      cancelReason: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.meetings.insertOne(doc);
    await this.record(doc, agentActor(agent), 'meeting.offered', 'offered', {
      body: `${agent.name} offered a ${doc.lengthMinutes}-minute meeting: ${title}`,
      data: {
        title,
        agenda: doc.agenda,
        lengthMinutes: doc.lengthMinutes,
        agentIds,
        expiresAt: doc.offerExpiresAt.toISOString(),
      },
    });
    return { ok: true, meeting: toMeeting(doc), links: { book: this.bookToken(doc) } };
  }

  /** Meetings of a conversation, newest first: for the console's conversation view. */
  async forConversation(agent: Agent, conversationId: string): Promise<Result<{ meetings: Meeting[] }>> {
    const conversation = await this.conversations.get(agentActor(agent), conversationId);
    if (!conversation) return failure('not_found', 'no such conversation');
    const docs = await this.meetings
      .find({ conversationId: new ObjectId(conversationId) })
      .sort({ createdAt: -1 })
      .toArray();
    return { ok: true, meetings: docs.map(toMeeting) };
  }

  /** Conversations with an open offer or a booked meeting: the inbox's "meeting" filter. */
  async conversationsWithMeetings(agent: Agent): Promise<string[]> {
    const ids = await this.meetings.distinct('conversationId', {
      ...siteGuard(agent),
      status: { $in: ['offered', 'booked'] },
    });
    return ids.map((id) => (id as ObjectId).toHexString());
  }

  /**
   * The links a meeting of the visitor's own conversation allows now, for the widget's card:
   * asked for over the visitor's socket, so they never sit on the timeline.
   */
  async linksForVisitor(actor: VisitorActor, meetingId: string): Promise<Result<{ links: MeetingLinks }>> {
    const doc = await this.meetings.findOne({
      _id: new ObjectId(meetingId),
      siteId: new ObjectId(actor.siteId),
      visitorId: new ObjectId(actor.visitorId),
    });
    if (!doc || !(await this.conversations.get(actor, doc.conversationId.toHexString())))
      return failure('not_found', 'no such meeting');
    if (doc.status === 'offered') return { ok: true, links: { book: this.bookToken(doc) } };
    if (doc.status === 'booked') return { ok: true, links: this.manageLinks(doc) };
    return { ok: true, links: {} };
  }

  // Slots and booking

  /**
   * Free slots for a signed link (a booking or a reschedule link), presented in `timeZone`.
   * @example meetings.slotsForLink(meetingId, token, 'Europe/Bucharest')
   */
  async slotsForLink(
    meetingId: string,
    token: string,
    timeZone: string,
  ): Promise<Result<{ meeting: Meeting; slots: Slot[] }>> {
    const now = this.clock();
    const linked = await this.linked(
      meetingId,
      (doc) => (doc.status === 'offered' ? 'book' : 'reschedule'),
      token,
      now,
    );
    if (!linked.ok) return linked;
    const { doc } = linked;
    if (doc.status !== 'offered' && doc.status !== 'booked')
      return failure('conflict', `this meeting is ${doc.status}`);
    return { ok: true, meeting: toMeeting(doc), slots: await this.freshSlots(doc, now, timeZone) };
  }

  /** The meeting behind a signed link, if the link holds. */
  async linkView(
    meetingId: string,
    action: LinkAction,
    token: string,
  ): Promise<Result<{ meeting: Meeting }>> {
    const linked = await this.linked(meetingId, () => action, token, this.clock());
    return linked.ok ? { ok: true, meeting: toMeeting(linked.doc) } : linked;
  }

  /** Free slots for an agent moving a meeting, presented in `timeZone`. */
  async slotsForAgent(
    agent: Agent,
    meetingId: string,
    timeZone: string,
  ): Promise<Result<{ meeting: Meeting; slots: Slot[] }>> {
    const doc = await this.meetingFor(agent, meetingId);
    if (!doc) return failure('not_found', 'no such meeting');
    return { ok: true, meeting: toMeeting(doc), slots: await this.freshSlots(doc, this.clock(), timeZone) };
  }

  /**
   * Books an offer at one of its free slots. The agent's time is claimed with one conditional
   * update, so of any number of simultaneous attempts at overlapping times exactly one wins;
   * the others get `conflict` with the slots still free.
   */
  async book(meetingId: string, input: BookMeetingPayload): Promise<MeetingResult> {
    const now = this.clock();
    const linked = await this.linked(meetingId, () => 'book', input.token, now);
    if (!linked.ok) return linked;
    const { doc } = linked;
    if (doc.status !== 'offered') return failure('conflict', `this meeting is already ${doc.status}`);
    const start = new Date(input.start);
    const pick = await this.pickSlot(doc, start, now, input.timeZone, null);
    if (!pick.ok) return pick;

    const settings = await this.settings(doc.siteId.toHexString());
    const until = new Date(start.getTime() + (doc.lengthMinutes + settings.bufferMinutes) * MINUTE);
    let claim: { agentId: ObjectId; claimId: ObjectId } | null = null;
    for (const agentId of pick.candidates) {
      const claimId = await this.claim(agentId, doc._id, start, until, now, false);
      if (claimId) {
        claim = { agentId, claimId };
        break;
      }
    }
    if (!claim) return this.taken(doc, now, input.timeZone, null);

    const end = new Date(start.getTime() + doc.lengthMinutes * MINUTE);
    const booked = await this.meetings.findOneAndUpdate(
      { _id: doc._id, status: 'offered', linkKey: doc.linkKey },
      {
        $set: {
          status: 'booked',
          // A new key: the booking link is spent, and the links to come are the invite's.
          linkKey: newLinkKey(),
          'timelineIds.booked': timelineId(doc._id, 'booked'),
          agentId: claim.agentId,
          start,
          end,
          attendee: input.attendee,
          timeZone: input.timeZone,
          link: this.meetingLink(settings, doc),
          reminders: this.plan(settings.reminderMinutes, start, now),
          updatedAt: now,
        },
        $push: { mails: { $each: owed('invite', doc.sequence, now) } },
      },
      { returnDocument: 'after' },
    );
    if (!booked) {
      await this.release(claim.agentId, claim.claimId);
      return failure('conflict', 'this meeting was just booked from another window');
    }
    await this.confirm(claim.agentId, claim.claimId);
    const links = this.manageLinks(booked);
    await this.record(booked, this.visitorActor(booked), 'meeting.booked', 'booked', {
      body: `Meeting booked: ${booked.title}, ${start.toISOString()}`,
      data: this.timeData(booked, { by: 'visitor' }),
    });
    await this.sendOwed(booked._id);
    return { ok: true, meeting: toMeeting(booked), links };
  }

  /** Moves a booked meeting to another free slot of the same host: same UID, SEQUENCE + 1. */
  async reschedule(
    by: MeetingActor,
    meetingId: string,
    input: { start: string; timeZone?: string | undefined },
  ): Promise<MeetingResult> {
    const now = this.clock();
    const found = await this.actingOn(by, meetingId, 'reschedule', now);
    if (!found.ok) return found;
    const { doc } = found;
    if (doc.status !== 'booked' || !doc.agentId || !doc.start) {
      return failure('conflict', `only a booked meeting can be moved; this one is ${doc.status}`);
    }
    const timeZone = input.timeZone ?? doc.timeZone ?? 'UTC';
    const start = new Date(input.start);
    const pick = await this.pickSlot(doc, start, now, timeZone, doc.agentId);
    if (!pick.ok) return pick;

    const settings = await this.settings(doc.siteId.toHexString());
    const until = new Date(start.getTime() + (doc.lengthMinutes + settings.bufferMinutes) * MINUTE);
    const claimId = await this.claim(doc.agentId, doc._id, start, until, now, true);
    if (!claimId) return this.taken(doc, now, timeZone, doc.agentId);
    const previousStart = doc.start;
    const key = `moved-${doc.sequence + 1}`;
    const moved = await this.meetings.findOneAndUpdate(
      { _id: doc._id, status: 'booked', sequence: doc.sequence, linkKey: doc.linkKey },
      {
        $set: {
          // A new key: the links of earlier emails stop working; the update email has the new ones.
          linkKey: newLinkKey(),
          [`timelineIds.${key}`]: timelineId(doc._id, key),
          start,
          end: new Date(start.getTime() + doc.lengthMinutes * MINUTE),
          timeZone: by.kind === 'link' ? timeZone : doc.timeZone,
          reminders: this.plan(settings.reminderMinutes, start, now),
          updatedAt: now,
        },
        $inc: { sequence: 1 },
        $push: { mails: { $each: owed('update', doc.sequence + 1, now) } },
      },
      { returnDocument: 'after' },
    );
    if (!moved) {
      await this.release(doc.agentId, claimId);
      return failure('conflict', 'this meeting changed meanwhile; load it again');
    }
    await this.confirm(doc.agentId, claimId);
    await this.schedules.updateOne(
      { agentId: doc.agentId },
      { $pull: { busy: { meetingId: doc._id, claimId: { $ne: claimId } } as Record<string, unknown> } },
    );
    await this.record(
      moved,
      by.kind === 'agent' ? agentActor(by.agent) : this.visitorActor(moved),
      'meeting.rescheduled',
      key,
      {
        body: `Meeting moved: ${moved.title}, ${start.toISOString()}`,
        data: this.timeData(moved, {
          by: by.kind === 'agent' ? 'agent' : 'visitor',
          previousStart: previousStart.toISOString(),
        }),
      },
    );
    await this.sendOwed(moved._id);
    return { ok: true, meeting: toMeeting(moved), links: this.manageLinks(moved) };
  }

  /** Cancels an offer or a booked meeting; a booked one gets a METHOD:CANCEL with SEQUENCE + 1. */
  async cancel(by: MeetingActor, meetingId: string, reason?: string): Promise<MeetingResult> {
    const now = this.clock();
    const found = await this.actingOn(by, meetingId, 'cancel', now);
    if (!found.ok) return found;
    const { doc } = found;
    if (doc.status !== 'offered' && doc.status !== 'booked')
      return failure('conflict', `this meeting is already ${doc.status}`);
    const cancelled = await this.meetings.findOneAndUpdate(
      { _id: doc._id, status: doc.status, linkKey: doc.linkKey },
      {
        $set: {
          status: 'cancelled',
          cancelReason: reason || null,
          // A new key: no earlier link does anything to a cancelled meeting.
          linkKey: newLinkKey(),
          'timelineIds.cancelled': timelineId(doc._id, 'cancelled'),
          updatedAt: now,
        },
        $inc: { sequence: 1 },
        // Only a booked meeting was ever announced by email.
        ...(doc.status === 'booked'
          ? { $push: { mails: { $each: owed('cancel', doc.sequence + 1, now) } } }
          : {}),
      },
      { returnDocument: 'after' },
    );
    if (!cancelled) return failure('conflict', 'this meeting changed meanwhile; load it again');
    if (doc.agentId)
      await this.schedules.updateOne({ agentId: doc.agentId }, { $pull: { busy: { meetingId: doc._id } } });
    await this.record(
      cancelled,
      by.kind === 'agent' ? agentActor(by.agent) : this.visitorActor(cancelled),
      'meeting.cancelled',
      'cancelled',
      {
        body: `Meeting cancelled: ${cancelled.title}${reason ? ` (${reason})` : ''}`,
        data: {
          by: by.kind === 'agent' ? 'agent' : 'visitor',
          reason: reason || null,
          sequence: cancelled.sequence,
        },
      },
    );
    await this.sendOwed(cancelled._id);
    return { ok: true, meeting: toMeeting(cancelled), links: {} };
  }

  /** Records what a meeting settled and emails the written summary to the visitor. */
  async recordOutcome(
    agent: Agent,
    meetingId: string,
    input: RecordOutcomePayload,
  ): Promise<Result<{ meeting: Meeting }>> {
    const now = this.clock();
    const doc = await this.meetingFor(agent, meetingId);
    if (!doc) return failure('not_found', 'no such meeting');
    if (doc.status !== 'booked')
      return failure(
        'conflict',
        `an outcome is recorded once, for a booked meeting; this one is ${doc.status}`,
      );
    const outcome = { ...input, recordedAt: now, recordedBy: new ObjectId(agent.id) };
    const completed = await this.meetings.findOneAndUpdate(
      { _id: doc._id, status: 'booked' },
      {
        $set: {
          status: 'completed',
          outcome,
          'timelineIds.outcome': timelineId(doc._id, 'outcome'),
          updatedAt: now,
        },
        $push: { mails: { $each: owed('summary', doc.sequence, now, ['attendee']) } },
      },
      { returnDocument: 'after' },
    );
    if (!completed) return failure('conflict', 'this meeting changed meanwhile; load it again');
    await this.record(completed, agentActor(agent), 'meeting.outcome', 'outcome', {
      body: summaryText(completed, input),
      data: { notes: input.notes, decisions: input.decisions, actionItems: input.actionItems },
    });
    await this.sendOwed(completed._id);
    return { ok: true, meeting: toMeeting(completed) };
  }

  /**
   * An agent's booked and completed meetings for a day or a week from a date in a zone.
   * @example meetings.upcoming(agent, { range: 'week', from: '2026-03-30', timeZone: 'Europe/Warsaw' })
   */
  async upcoming(
    agent: Agent,
    query: {
      range: 'day' | 'week';
      from?: string | undefined;
      timeZone?: string | undefined;
      agentId?: string | undefined;
    },
  ): Promise<Result<{ meetings: Meeting[]; from: string; to: string }>> {
    const agentId = query.agentId ?? agent.id;
    if (agentId !== agent.id && agent.role !== 'admin')
      return failure('forbidden', "only admins see other agents' meetings");
    const timeZone = query.timeZone ?? (await this.schedule(agentId))?.timeZone ?? 'UTC';
    const today = new TZDate(this.clock().getTime(), timeZone);
    const [y, m, d] = query.from
      ? (query.from.split('-').map(Number) as [number, number, number])
      : [today.getFullYear(), today.getMonth() + 1, today.getDate()];
    const from = new TZDate(y, m - 1, d, timeZone);
    const to = addDays(from, query.range === 'day' ? 1 : 7);
    const docs = await this.meetings
      .find({
        ...siteGuard(agent),
        agentId: new ObjectId(agentId),
        status: { $in: ['booked', 'completed'] },
        start: { $gte: new Date(from.getTime()), $lt: new Date(to.getTime()) },
      })
      .sort({ start: 1 })
      .toArray();
    return {
      ok: true,
      meetings: docs.map(toMeeting),
      from: new Date(from.getTime()).toISOString(),
      to: new Date(to.getTime()).toISOString(),
    };
  }

  // Reminders and upkeep

  /**
   * Turns every reminder that is due into the emails it owes (one per recipient, in `mails`),
   * each once: a reminder is claimed with an atomic update, then marked sent in the same update
   * that adds its emails, so two workers, or a worker after a restart, never queue it twice; a
   * claim whose worker died in between is taken up once its lease runs out. sendDueMails sends
   * them, each recipient's on its own, retried if SMTP fails. Answers how many it queued.
   */
  async sendDueReminders(): Promise<number> {
    const now = this.clock();
    let queued = 0;
    for (;;) {
      const claimed = await this.claimDue('reminders', { status: 'booked' }, now, REMINDER_LEASE_MS);
      if (!claimed) return queued;
      const { doc, mine } = claimed;
      const reminder = doc.reminders.find((r) => r.claimToken === claimed.claimToken)!;
      if (!doc.start || doc.start.getTime() <= now.getTime()) {
        // Too late to remind of a meeting that has begun (the relay was down through the due time).
        await this.meetings.updateOne(mine, { $set: { 'reminders.$.state': 'skipped' } });
        continue;
      }
      const mails = owed('reminder', doc.sequence, now).map((mail) => ({
        ...mail,
        minutesBefore: reminder.minutesBefore,
      }));
      await this.meetings.updateOne(mine, {
        $set: { 'reminders.$.state': 'sent', 'reminders.$.sentAt': now },
        $push: { mails: { $each: mails } },
      });
      queued++;
    }
  }

  /**
   * Claims one due entry of a meeting's `reminders` or `mails` (pending, or claimed by a worker
   * whose lease of `leaseMs` ran out) with an atomic update: the meeting as it is after, the
   * claim's token, and a filter that reaches the claimed entry with `<field>.$`.
   */
  private async claimDue(
    field: 'reminders' | 'mails',
    filter: Record<string, unknown>,
    now: Date,
    leaseMs: number,
  ): Promise<{ doc: MeetingDoc; claimToken: string; mine: Record<string, unknown> } | null> {
    const claimToken = randomBytes(12).toString('base64url');
    const leaseEnded = new Date(now.getTime() - leaseMs);
    const doc = await this.meetings.findOneAndUpdate(
      {
        ...filter,
        [field]: {
          $elemMatch: {
            dueAt: { $lte: now },
            $or: [{ state: 'pending' }, { state: 'sending', claimedAt: { $lt: leaseEnded } }],
          },
        },
      },
      {
        $set: {
          [`${field}.$.state`]: 'sending',
          [`${field}.$.claimedAt`]: now,
          [`${field}.$.claimToken`]: claimToken,
        },
      },
      { returnDocument: 'after' },
    );
    return doc ? { doc, claimToken, mine: { _id: doc._id, [field]: { $elemMatch: { claimToken } } } } : null;
  }

  /**
   * Right after a change: sends the emails it owes. The change is stored whatever happens here,
   * so a failure is logged and left to the worker's next pass.
   */
  private async sendOwed(meetingId: ObjectId): Promise<void> {
    await this.sendDueMails(meetingId).catch((error: unknown) =>
      console.error(`parley: meeting emails of ${meetingId.toHexString()} not sent yet`, error),
    );
  }

  /**
   * Sends the meeting emails that are due (of one meeting, or of all), each once: like a
   * reminder, a mail is claimed with an atomic update before it is sent and marked sent after,
   * so two workers, or a worker after a restart, do not send it again; a claim whose worker died
   * mid-send is taken up again once its lease runs out (that one mail may then go twice). A mail
   * that fails is tried again and given up by the outbox policy (shared/outbox.ts).
   * The change a mail announces is stored with it, so a failed send never undoes the change,
   * and a crash right after the change still sends it.
   */
  async sendDueMails(meetingId?: ObjectId): Promise<number> {
    const now = this.clock();
    let sent = 0;
    for (;;) {
      const claimed = await this.claimDue(
        'mails',
        meetingId ? { _id: meetingId } : {},
        now,
        OUTBOX_POLICY.leaseMs,
      );
      if (!claimed) return sent;
      const { doc, mine } = claimed;
      const entry = doc.mails!.find((m) => m.claimToken === claimed.claimToken)!;
      const rendered = await this.render(doc, entry).catch((error: unknown) => ({ failed: error }));
      if (rendered === 'superseded') {
        await this.meetings.updateOne(mine, { $set: { 'mails.$.state': 'superseded' } });
        continue;
      }
      try {
        if ('failed' in rendered) throw rendered.failed;
        await this.options.mailer.send(rendered);
        await this.meetings.updateOne(mine, { $set: { 'mails.$.state': 'sent', 'mails.$.sentAt': now } });
        sent++;
      } catch (error) {
        const attempts = entry.attempts + 1;
        const next = nextAttempt(attempts, now);
        const givenUp = next === null;
        console.error(
          `parley: meeting ${entry.kind} email to the ${entry.to} of ${doc._id.toHexString()} failed` +
            (givenUp ? `; given up after ${attempts} attempts` : '; it will be retried'),
          error,
        );
        await this.meetings.updateOne(mine, {
          $set: {
            'mails.$.state': givenUp ? 'failed' : 'pending',
            'mails.$.attempts': attempts,
            'mails.$.dueAt': next ?? now,
            'mails.$.claimToken': null,
          },
        });
      }
    }
  }

  /**
   * The email `entry` owes, from the meeting as it is now; 'superseded' when a later change
   * overtook it (an invite or update to a meeting moved or cancelled since, a cancellation of an
   * invite that never went out).
   */
  private async render(doc: MeetingDoc, entry: MailEntry): Promise<MeetingMail | 'superseded'> {
    const mail = await this.mailMeeting(doc);
    if (!mail) return 'superseded';
    const role = entry.to;
    switch (entry.kind) {
      case 'invite':
      case 'update': {
        if (doc.status !== 'booked' || doc.sequence !== entry.sequence) return 'superseded';
        const calendar = this.calendar(doc, mail, 'REQUEST');
        const links = role === 'attendee' ? this.manageUrls(doc) : null;
        return inviteMail(mail, role, entry.kind === 'invite' ? 'new' : 'update', calendar, links);
      }
      case 'cancel': {
        // Not to someone whose invitation never went out. (A meeting booked before emails were
        // kept has no invite entry: its invitation went out when it was booked.)
        const announcements = (doc.mails ?? []).filter(
          (m) => m.to === role && (m.kind === 'invite' || m.kind === 'update'),
        );
        const announced =
          !announcements.some((m) => m.kind === 'invite') ||
          announcements.some((m) => m.state === 'sent' || m.state === 'sending');
        if (!announced) return 'superseded';
        return cancelMail(mail, role, this.calendar(doc, mail, 'CANCEL'), doc.cancelReason ?? null);
      }
      case 'summary':
        if (!doc.outcome) return 'superseded';
        return summaryMail(mail, doc.outcome);
      case 'reminder': {
        // Not once the meeting moved (its new reminders are planned), was cancelled, or began.
        const started = doc.start !== null && doc.start.getTime() <= this.clock().getTime();
        if (doc.status !== 'booked' || doc.sequence !== entry.sequence || started) return 'superseded';
        const links = role === 'attendee' ? this.manageUrls(doc) : null;
        return reminderMail(mail, role, entry.minutesBefore ?? 0, links);
      }
    }
  }

  /**
   * Settles claims on agents' time left unconfirmed by a booking that stopped half-way (the
   * relay died between claiming the time and writing the meeting), and prunes past busy time.
   */
  async settleClaims(): Promise<void> {
    const now = this.clock();
    const old = new Date(now.getTime() - CLAIM_SETTLE_MS);
    const unsettled = await this.schedules
      .find({ busy: { $elemMatch: { confirmed: false, claimedAt: { $lt: old } } } })
      .toArray();
    for (const schedule of unsettled) {
      for (const entry of schedule.busy.filter((b) => !b.confirmed && b.claimedAt < old)) {
        const held = await this.meetings.findOne({
          _id: entry.meetingId,
          agentId: schedule.agentId,
          status: { $in: ['booked', 'completed'] },
          start: entry.start,
        });
        if (held) await this.confirm(schedule.agentId, entry.claimId);
        else await this.release(schedule.agentId, entry.claimId);
      }
    }
    await this.schedules.updateMany(
      { 'busy.until': { $lt: new Date(now.getTime() - BUSY_RETENTION_MS) } },
      { $pull: { busy: { until: { $lt: new Date(now.getTime() - BUSY_RETENTION_MS) } } } },
    );
  }

  /**
   * Meetings made before links were kept off the timeline have their tokens on it, where agents,
   * exports and transcripts read them: a new key makes those tokens (and their emails' links)
   * dead; the widget asks for fresh ones. Once per meeting: it gets the timeline ids every newer
   * meeting has. Answers how many it retired.
   */
  async retireTimelineTokens(): Promise<number> {
    const early = await this.meetings
      .find({ timelineIds: { $exists: false } }, { projection: { _id: 1 } })
      .toArray();
    let retired = 0;
    for (const { _id } of early) {
      const result = await this.meetings.updateOne(
        { _id, timelineIds: { $exists: false } },
        { $set: { linkKey: newLinkKey(), timelineIds: {}, updatedAt: this.clock() } },
      );
      retired += result.modifiedCount;
    }
    return retired;
  }

  async syncIndexes(): Promise<void> {
    await Promise.all([
      scheduleModel(this.connection).syncIndexes(),
      settingsModel(this.connection).syncIndexes(),
      meetingModel(this.connection).syncIndexes(),
    ]);
  }

  // Internals

  private meetingFor(agent: Agent, meetingId: string): Promise<MeetingDoc | null> {
    return this.meetings.findOne({ ...siteGuard(agent), _id: new ObjectId(meetingId) });
  }

  /**
   * The meeting a link names, if the link holds for the action it allows on the meeting as it is.
   * Only a token signed with the meeting's current key is told that it expired.
   */
  private async linked(
    meetingId: string,
    action: (doc: MeetingDoc) => LinkAction,
    token: string,
    now: Date,
  ): Promise<{ ok: true; doc: MeetingDoc } | Failure> {
    const doc = await this.meetings.findOne({ _id: new ObjectId(meetingId) });
    if (!doc) return invalidLink();
    const check = verifyLink(doc.linkKey, doc._id.toHexString(), action(doc), token, now);
    if (check.ok) return { ok: true, doc };
    return check.reason === 'expired' ? failure('forbidden', 'this link has expired') : invalidLink();
  }

  /** The meeting an agent (of its site) or a link (that holds for `action`) acts on. */
  private async actingOn(
    by: MeetingActor,
    meetingId: string,
    action: LinkAction,
    now: Date,
  ): Promise<{ ok: true; doc: MeetingDoc } | Failure> {
    if (by.kind === 'link') return this.linked(meetingId, () => action, by.token, now);
    const doc = await this.meetingFor(by.agent, meetingId);
    return doc ? { ok: true, doc } : failure('not_found', 'no such meeting');
  }

  private bookToken(doc: MeetingDoc): string {
    return signLink(doc.linkKey, doc._id.toHexString(), 'book', doc.offerExpiresAt);
  }

  private async members(doc: MeetingDoc, only: ObjectId | null) {
    const ids = only ? [only] : doc.agentIds;
    const schedules = await this.schedules.find({ agentId: { $in: ids } }).toArray();
    return schedules.filter((s) => s.lengths.includes(doc.lengthMinutes) || only !== null);
  }

  private async rules(doc: MeetingDoc): Promise<SlotRules> {
    const settings = await this.settings(doc.siteId.toHexString());
    return { ...settings, lengthMinutes: doc.lengthMinutes };
  }

  /** Free slots of the meeting's host (or team), not counting the meeting's own time. */
  private async free(
    doc: MeetingDoc,
    now: Date,
    only: ObjectId | null,
    ignoreBusy = false,
  ): Promise<TeamSlot[]> {
    const schedules = await this.members(doc, only);
    const rules = await this.rules(doc);
    return teamSlots(
      schedules.map((s) => ({
        agentId: s.agentId.toHexString(),
        availability: s,
        busy: ignoreBusy ? [] : s.busy.filter((b) => !b.meetingId.equals(doc._id)),
      })),
      rules,
      now,
    );
  }

  private async freshSlots(doc: MeetingDoc, now: Date, timeZone: string): Promise<Slot[]> {
    const only = doc.status === 'offered' ? null : doc.agentId;
    return (await this.free(doc, now, only)).map((slot) => presentSlot(slot, timeZone));
  }

  /** The free slot at `start`, with its candidate hosts least-booked first, or why there is none. */
  private async pickSlot(
    doc: MeetingDoc,
    start: Date,
    now: Date,
    timeZone: string,
    only: ObjectId | null,
  ): Promise<{ ok: true; candidates: ObjectId[] } | BookingFailure> {
    if (start.getTime() <= now.getTime()) return failure('bad_request', 'that time has already passed');
    const slots = await this.free(doc, now, only);
    const slot = slots.find((s) => s.start.getTime() === start.getTime());
    if (!slot) {
      const offered = (await this.free(doc, now, only, true)).some(
        (s) => s.start.getTime() === start.getTime(),
      );
      if (!offered) return failure('bad_request', 'that time is not one of the offered slots');
      return {
        ...failure('conflict', 'that time was just taken; pick another'),
        slots: slots.map((s) => presentSlot(s, timeZone)),
      };
    }
    const schedules = await this.members(doc, only);
    const load = new Map(
      schedules.map((s) => [
        s.agentId.toHexString(),
        s.busy.filter((b) => b.until.getTime() > now.getTime()).length,
      ]),
    );
    const candidates = slot.agentIds
      .map((id, order) => ({ id, order, load: load.get(id) ?? 0 }))
      .sort((a, b) => a.load - b.load || a.order - b.order)
      .map((c) => new ObjectId(c.id));
    return { ok: true, candidates };
  }

  private async taken(
    doc: MeetingDoc,
    now: Date,
    timeZone: string,
    only: ObjectId | null,
  ): Promise<BookingFailure> {
    const slots = (await this.free(doc, now, only)).map((s) => presentSlot(s, timeZone));
    return { ...failure('conflict', 'that time was just taken; pick another'), slots };
  }

  /**
   * Claims [start, until) on an agent's schedule: one conditional $push that matches only while
   * no other claim overlaps. `moving` lets a meeting overlap its own current time.
   */
  private async claim(
    agentId: ObjectId,
    meetingId: ObjectId,
    start: Date,
    until: Date,
    now: Date,
    moving: boolean,
  ): Promise<ObjectId | null> {
    const claimId = new ObjectId();
    const overlapping: Record<string, unknown> = { start: { $lt: until }, until: { $gt: start } };
    if (moving) overlapping.meetingId = { $ne: meetingId };
    const result = await this.schedules.updateOne(
      { agentId, busy: { $not: { $elemMatch: overlapping } } },
      { $push: { busy: { claimId, meetingId, start, until, claimedAt: now, confirmed: false } } },
    );
    return result.modifiedCount === 1 ? claimId : null;
  }

  private async confirm(agentId: ObjectId, claimId: ObjectId): Promise<void> {
    await this.schedules.updateOne(
      { agentId, 'busy.claimId': claimId },
      { $set: { 'busy.$.confirmed': true } },
    );
  }

  private async release(agentId: ObjectId, claimId: ObjectId): Promise<void> {
    await this.schedules.updateOne({ agentId }, { $pull: { busy: { claimId } } });
  }

  private plan(minutesBefore: number[], start: Date, now: Date): ReminderEntry[] {
    return [...new Set(minutesBefore)]
      .sort((a, b) => b - a)
      .map((minutes) => {
        const dueAt = new Date(start.getTime() - minutes * MINUTE);
        return {
          minutesBefore: minutes,
          dueAt,
          state: dueAt.getTime() > now.getTime() ? ('pending' as const) : ('skipped' as const),
          claimedAt: null,
          claimToken: null,
          sentAt: null,
        };
      });
  }

  private meetingLink(settings: SiteMeetingSettings, doc: MeetingDoc): MeetingDoc['link'] {
    const link = settings.link;
    if (link.kind === 'fixed') return { kind: 'fixed', url: link.url, label: link.url };
    if (link.kind === 'phone')
      return {
        kind: 'phone',
        url: `tel:${link.number.replace(/[^+0-9]/g, '')}`,
        label: `Phone: ${link.number}`,
      };
    const url = link.pattern.replaceAll('{room}', doc.room).replaceAll('{meetingId}', doc._id.toHexString());
    return { kind: 'video', url, label: url };
  }

  private linkUrl(doc: MeetingDoc, action: LinkAction, token: string): string {
    return `${this.options.publicUrl}/meetings/${doc._id.toHexString()}/${action}?t=${token}`;
  }

  /** Reschedule and cancel tokens, valid until the meeting starts. */
  private manageLinks(doc: MeetingDoc): MeetingLinks {
    const until = doc.start ?? doc.offerExpiresAt;
    const id = doc._id.toHexString();
    return {
      reschedule: signLink(doc.linkKey, id, 'reschedule', until),
      cancel: signLink(doc.linkKey, id, 'cancel', until),
    };
  }

  private manageUrls(doc: MeetingDoc): ManageLinks {
    const links = this.manageLinks(doc);
    return {
      reschedule: this.linkUrl(doc, 'reschedule', links.reschedule!),
      cancel: this.linkUrl(doc, 'cancel', links.cancel!),
    };
  }

  private visitorActor(doc: MeetingDoc): Actor {
    const actor: Actor = {
      kind: 'visitor',
      visitorId: doc.visitorId.toHexString(),
      siteId: doc.siteId.toHexString(),
    };
    if (doc.attendee?.name) actor.name = doc.attendee.name;
    return actor;
  }

  private timeData(doc: MeetingDoc, extra: Record<string, unknown>): Record<string, unknown> {
    return {
      title: doc.title,
      start: doc.start?.toISOString() ?? null,
      end: doc.end?.toISOString() ?? null,
      agentId: doc.agentId?.toHexString() ?? null,
      timeZone: doc.timeZone,
      link: doc.link?.url ?? null,
      sequence: doc.sequence,
      ...extra,
    };
  }

  /** Files a meeting event on the conversation's timeline, under the client id stored for `key`. */
  private async record(
    doc: MeetingDoc,
    actor: Actor,
    name: MeetingEventName,
    key: string,
    entry: { body: string; data: Record<string, unknown> },
  ): Promise<void> {
    const result = await this.conversations.append(actor, {
      conversationId: doc.conversationId.toHexString(),
      clientMsgId: doc.timelineIds?.[key] ?? timelineId(doc._id, key),
      body: entry.body,
      type: 'event',
      visibility: 'all',
      channel: doc.channel,
      data: { name, meetingId: doc._id.toHexString(), ...entry.data },
    });
    if (!result.ok)
      console.error(
        `parley: ${name} for meeting ${doc._id.toHexString()} not on the timeline: ${result.message}`,
      );
  }

  private async mailMeeting(doc: MeetingDoc): Promise<MailMeeting | null> {
    if (!doc.agentId || !doc.start || !doc.end || !doc.attendee?.email) return null;
    const host = await this.schedules.findOne({ agentId: doc.agentId });
    if (!host) return null;
    return {
      title: doc.title,
      agenda: doc.agenda,
      start: doc.start,
      end: doc.end,
      link: doc.link?.url ? { url: doc.link.url, label: doc.link.label ?? doc.link.url } : null,
      host: { name: host.agentName, email: host.agentEmail, timeZone: host.timeZone },
      attendee: { name: doc.attendee.name ?? '', email: doc.attendee.email, timeZone: doc.timeZone ?? 'UTC' },
    };
  }

  private calendar(doc: MeetingDoc, mail: MailMeeting, method: 'REQUEST' | 'CANCEL'): string {
    return invite({
      method,
      uid: `meeting-${doc._id.toHexString()}@${this.uidDomain}`,
      sequence: doc.sequence,
      stamp: this.clock(),
      start: mail.start,
      end: mail.end,
      title: mail.title,
      agenda: mail.agenda,
      link: mail.link,
      organizer: { name: mail.host.name, email: mail.host.email },
      attendee: { name: mail.attendee.name, email: mail.attendee.email },
    });
  }
}
