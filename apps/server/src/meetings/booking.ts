// A meeting's life from an agent's offer: booking a free slot, moving it, cancelling it and
// recording its outcome. Each change is one conditional update that also writes the emails it
// owes, then an event on the conversation's timeline.
import { randomBytes } from 'node:crypto';
import type {
  BookMeetingPayload,
  Meeting,
  MeetingLinks,
  OfferMeetingPayload,
  RecordOutcomePayload,
  Result,
  SiteMeetingSettings,
} from '@parley/protocol';
import { failure } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import type { Agent } from '../agents/service';
import { agentActor } from '../conversations/actions';
import { type AgendaDraft, draftAgenda as draftFrom } from './agenda';
import { type BookingFailure, claim, confirm, pickSlot, release, taken } from './availability';
import { type MeetingContext, MINUTE, meetingFor } from './context';
import { summaryText } from './emails';
import { actingOn, bookToken, linked, type MeetingActor, manageLinks } from './link-keys';
import { newLinkKey } from './links';
import type { MeetingDoc, ReminderEntry } from './model';
import { owed, sendOwed } from './outbox';
import { settings as siteSettings } from './rules';
import { record, timeData, timelineId, visitorActor } from './timeline';
import { toMeeting } from './views';

export type MeetingResult = Result<{ meeting: Meeting; links: MeetingLinks }> | BookingFailure;

function plan(minutesBefore: number[], start: Date, now: Date): ReminderEntry[] {
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

function meetingLink(settings: SiteMeetingSettings, doc: MeetingDoc): MeetingDoc['link'] {
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

/** The agenda an offer starts from: the visitor's last question and the topics so far. */
export async function draftAgenda(
  ctx: MeetingContext,
  agent: Agent,
  conversationId: string,
): Promise<Result<AgendaDraft>> {
  const conversation = await ctx.conversations.get(agentActor(agent), conversationId);
  if (!conversation) return failure('not_found', 'no such conversation');
  const timeline = await ctx.conversations.timeline(conversationId);
  return { ok: true, ...draftFrom(timeline, conversation.tags) };
}

/**
 * Offers a meeting in a conversation: an event on its timeline carrying the signed booking link
 * the widget's slot picker (or the email) uses.
 * @example meetings.offer(agent, { conversationId, lengthMinutes: 30, agenda: 'Setup review' })
 */
export async function offer(
  ctx: MeetingContext,
  agent: Agent,
  input: OfferMeetingPayload,
): Promise<Result<{ meeting: Meeting; links: MeetingLinks }>> {
  const conversation = await ctx.conversations.get(agentActor(agent), input.conversationId);
  if (!conversation) return failure('not_found', 'no such conversation');
  const agentIds = [...new Set(input.agentIds ?? [agent.id])];
  // The offering agent reaches the conversation, so answers its site; every other host must too.
  const others = agentIds.filter((id) => id !== agent.id);
  if (others.length > 0) {
    const answering = await ctx.options.agents.answering(conversation.siteId, others);
    const strangers = others.filter((id) => !answering.has(id));
    if (strangers.length > 0)
      return failure(
        'bad_request',
        `only agents of this site can host its meetings: ${strangers.join(', ')}`,
      );
  }
  const schedules = await ctx.schedules
    .find({ agentId: { $in: agentIds.map((id) => new ObjectId(id)) } })
    .toArray();
  const missing = agentIds.filter((id) => !schedules.some((s) => s.agentId.toHexString() === id));
  if (missing.length > 0)
    return failure('bad_request', `no working hours set for agent ${missing.join(', ')}`);
  if (!schedules.some((s) => s.lengths.includes(input.lengthMinutes))) {
    return failure('bad_request', `no one on this offer takes ${input.lengthMinutes}-minute meetings`);
  }
  const settings = await siteSettings(ctx, conversation.siteId);
  const now = ctx.clock();
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
  await ctx.meetings.insertOne(doc);
  await record(ctx, doc, agentActor(agent), 'meeting.offered', 'offered', {
    body: `${agent.name} offered a ${doc.lengthMinutes}-minute meeting: ${title}`,
    data: {
      title,
      agenda: doc.agenda,
      lengthMinutes: doc.lengthMinutes,
      agentIds,
      expiresAt: doc.offerExpiresAt.toISOString(),
    },
  });
  return { ok: true, meeting: toMeeting(doc), links: { book: bookToken(doc) } };
}

/**
 * Books an offer at one of its free slots. The agent's time is claimed with one conditional
 * update, so of any number of simultaneous attempts at overlapping times exactly one wins;
 * the others get `conflict` with the slots still free.
 */
export async function book(
  ctx: MeetingContext,
  meetingId: string,
  input: BookMeetingPayload,
): Promise<MeetingResult> {
  const now = ctx.clock();
  const found = await linked(ctx, meetingId, () => 'book', input.token, now);
  if (!found.ok) return found;
  const { doc } = found;
  if (doc.status !== 'offered') return failure('conflict', `this meeting is already ${doc.status}`);
  const start = new Date(input.start);
  const pick = await pickSlot(ctx, doc, start, now, input.timeZone, null);
  if (!pick.ok) return pick;

  const settings = await siteSettings(ctx, doc.siteId.toHexString());
  const until = new Date(start.getTime() + (doc.lengthMinutes + settings.bufferMinutes) * MINUTE);
  let held: { agentId: ObjectId; claimId: ObjectId } | null = null;
  for (const agentId of pick.candidates) {
    const claimId = await claim(ctx, agentId, doc._id, start, until, now, false);
    if (claimId) {
      held = { agentId, claimId };
      break;
    }
  }
  if (!held) return taken(ctx, doc, now, input.timeZone, null);

  const end = new Date(start.getTime() + doc.lengthMinutes * MINUTE);
  const booked = await ctx.meetings.findOneAndUpdate(
    { _id: doc._id, status: 'offered', linkKey: doc.linkKey },
    {
      $set: {
        status: 'booked',
        // A new key: the booking link is spent, and the links to come are the invite's.
        linkKey: newLinkKey(),
        'timelineIds.booked': timelineId(doc._id, 'booked'),
        agentId: held.agentId,
        start,
        end,
        attendee: input.attendee,
        timeZone: input.timeZone,
        link: meetingLink(settings, doc),
        reminders: plan(settings.reminderMinutes, start, now),
        updatedAt: now,
      },
      $push: { mails: { $each: owed('invite', doc.sequence, now) } },
    },
    { returnDocument: 'after' },
  );
  if (!booked) {
    await release(ctx, held.agentId, held.claimId);
    return failure('conflict', 'this meeting was just booked from another window');
  }
  await confirm(ctx, held.agentId, held.claimId);
  const links = manageLinks(booked);
  await record(ctx, booked, visitorActor(booked), 'meeting.booked', 'booked', {
    body: `Meeting booked: ${booked.title}, ${start.toISOString()}`,
    data: timeData(booked, { by: 'visitor' }),
  });
  await sendOwed(ctx, booked._id);
  return { ok: true, meeting: toMeeting(booked), links };
}

/** Moves a booked meeting to another free slot of the same host: same UID, SEQUENCE + 1. */
export async function reschedule(
  ctx: MeetingContext,
  by: MeetingActor,
  meetingId: string,
  input: { start: string; timeZone?: string | undefined },
): Promise<MeetingResult> {
  const now = ctx.clock();
  const found = await actingOn(ctx, by, meetingId, 'reschedule', now);
  if (!found.ok) return found;
  const { doc } = found;
  if (doc.status !== 'booked' || !doc.agentId || !doc.start) {
    return failure('conflict', `only a booked meeting can be moved; this one is ${doc.status}`);
  }
  const timeZone = input.timeZone ?? doc.timeZone ?? 'UTC';
  const start = new Date(input.start);
  const pick = await pickSlot(ctx, doc, start, now, timeZone, doc.agentId);
  if (!pick.ok) return pick;

  const settings = await siteSettings(ctx, doc.siteId.toHexString());
  const until = new Date(start.getTime() + (doc.lengthMinutes + settings.bufferMinutes) * MINUTE);
  const claimId = await claim(ctx, doc.agentId, doc._id, start, until, now, true);
  if (!claimId) return taken(ctx, doc, now, timeZone, doc.agentId);
  const previousStart = doc.start;
  const key = `moved-${doc.sequence + 1}`;
  const moved = await ctx.meetings.findOneAndUpdate(
    { _id: doc._id, status: 'booked', sequence: doc.sequence, linkKey: doc.linkKey },
    {
      $set: {
        // A new key: the links of earlier emails stop working; the update email has the new ones.
        linkKey: newLinkKey(),
        [`timelineIds.${key}`]: timelineId(doc._id, key),
        start,
        end: new Date(start.getTime() + doc.lengthMinutes * MINUTE),
        timeZone: by.kind === 'link' ? timeZone : doc.timeZone,
        reminders: plan(settings.reminderMinutes, start, now),
        updatedAt: now,
      },
      $inc: { sequence: 1 },
      $push: { mails: { $each: owed('update', doc.sequence + 1, now) } },
    },
    { returnDocument: 'after' },
  );
  if (!moved) {
    await release(ctx, doc.agentId, claimId);
    return failure('conflict', 'this meeting changed meanwhile; load it again');
  }
  await confirm(ctx, doc.agentId, claimId);
  await ctx.schedules.updateOne(
    { agentId: doc.agentId },
    { $pull: { busy: { meetingId: doc._id, claimId: { $ne: claimId } } as Record<string, unknown> } },
  );
  await record(
    ctx,
    moved,
    by.kind === 'agent' ? agentActor(by.agent) : visitorActor(moved),
    'meeting.rescheduled',
    key,
    {
      body: `Meeting moved: ${moved.title}, ${start.toISOString()}`,
      data: timeData(moved, {
        by: by.kind === 'agent' ? 'agent' : 'visitor',
        previousStart: previousStart.toISOString(),
      }),
    },
  );
  await sendOwed(ctx, moved._id);
  return { ok: true, meeting: toMeeting(moved), links: manageLinks(moved) };
}

/** Cancels an offer or a booked meeting; a booked one gets a METHOD:CANCEL with SEQUENCE + 1. */
export async function cancel(
  ctx: MeetingContext,
  by: MeetingActor,
  meetingId: string,
  reason?: string,
): Promise<MeetingResult> {
  const now = ctx.clock();
  const found = await actingOn(ctx, by, meetingId, 'cancel', now);
  if (!found.ok) return found;
  const { doc } = found;
  if (doc.status !== 'offered' && doc.status !== 'booked')
    return failure('conflict', `this meeting is already ${doc.status}`);
  const cancelled = await ctx.meetings.findOneAndUpdate(
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
    await ctx.schedules.updateOne({ agentId: doc.agentId }, { $pull: { busy: { meetingId: doc._id } } });
  await record(
    ctx,
    cancelled,
    by.kind === 'agent' ? agentActor(by.agent) : visitorActor(cancelled),
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
  await sendOwed(ctx, cancelled._id);
  return { ok: true, meeting: toMeeting(cancelled), links: {} };
}

/** Records what a meeting settled and emails the written summary to the visitor. */
export async function recordOutcome(
  ctx: MeetingContext,
  agent: Agent,
  meetingId: string,
  input: RecordOutcomePayload,
): Promise<Result<{ meeting: Meeting }>> {
  const now = ctx.clock();
  const doc = await meetingFor(ctx, agent, meetingId);
  if (!doc) return failure('not_found', 'no such meeting');
  if (doc.status !== 'booked')
    return failure(
      'conflict',
      `an outcome is recorded once, for a booked meeting; this one is ${doc.status}`,
    );
  const outcome = { ...input, recordedAt: now, recordedBy: new ObjectId(agent.id) };
  const completed = await ctx.meetings.findOneAndUpdate(
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
  await record(ctx, completed, agentActor(agent), 'meeting.outcome', 'outcome', {
    body: summaryText(completed, input),
    data: { notes: input.notes, decisions: input.decisions, actionItems: input.actionItems },
  });
  await sendOwed(ctx, completed._id);
  return { ok: true, meeting: toMeeting(completed) };
}
