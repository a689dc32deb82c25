// What agents and visitors are shown of meetings: a conversation's meetings, an agent's day or
// week, the links and free slots a visitor may use now, and what an email says of a meeting.
import { TZDate } from '@date-fns/tz';
import type { Meeting, MeetingLinks, Result, Slot } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { addDays } from 'date-fns';
import { ObjectId } from 'mongodb';
import type { Agent } from '../agents/service';
import { agentActor } from '../conversations/actions';
import type { Actor } from '../conversations/service';
import { freshSlots } from './availability';
import { type MeetingContext, meetingFor, siteGuard } from './context';
import type { MailMeeting } from './emails';
import { bookToken, linked, manageLinks } from './link-keys';
import type { LinkAction } from './links';
import type { MeetingDoc } from './model';
import { schedule } from './rules';

export type VisitorActor = Extract<Actor, { kind: 'visitor' }>;

export function toMeeting(doc: MeetingDoc): Meeting {
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

/** Meetings of a conversation, newest first: for the console's conversation view. */
export async function forConversation(
  ctx: MeetingContext,
  agent: Agent,
  conversationId: string,
): Promise<Result<{ meetings: Meeting[] }>> {
  const conversation = await ctx.conversations.get(agentActor(agent), conversationId);
  if (!conversation) return failure('not_found', 'no such conversation');
  const docs = await ctx.meetings
    .find({ conversationId: new ObjectId(conversationId) })
    .sort({ createdAt: -1 })
    .toArray();
  return { ok: true, meetings: docs.map(toMeeting) };
}

/** Conversations with an open offer or a booked meeting: the inbox's "meeting" filter. */
export async function conversationsWithMeetings(ctx: MeetingContext, agent: Agent): Promise<string[]> {
  const ids = await ctx.meetings.distinct('conversationId', {
    ...siteGuard(agent),
    status: { $in: ['offered', 'booked'] },
  });
  return ids.map((id) => (id as ObjectId).toHexString());
}

/**
 * The links a meeting of the visitor's own conversation allows now, for the widget's card:
 * asked for over the visitor's socket, so they never sit on the timeline.
 */
export async function linksForVisitor(
  ctx: MeetingContext,
  actor: VisitorActor,
  meetingId: string,
): Promise<Result<{ links: MeetingLinks }>> {
  const doc = await ctx.meetings.findOne({
    _id: new ObjectId(meetingId),
    siteId: new ObjectId(actor.siteId),
    visitorId: new ObjectId(actor.visitorId),
  });
  if (!doc || !(await ctx.conversations.get(actor, doc.conversationId.toHexString())))
    return failure('not_found', 'no such meeting');
  if (doc.status === 'offered') return { ok: true, links: { book: bookToken(doc) } };
  if (doc.status === 'booked') return { ok: true, links: manageLinks(doc) };
  return { ok: true, links: {} };
}

/**
 * Free slots for a signed link (a booking or a reschedule link), presented in `timeZone`.
 * @example meetings.slotsForLink(meetingId, token, 'Europe/Bucharest')
 */
export async function slotsForLink(
  ctx: MeetingContext,
  meetingId: string,
  token: string,
  timeZone: string,
): Promise<Result<{ meeting: Meeting; slots: Slot[] }>> {
  const now = ctx.clock();
  const found = await linked(
    ctx,
    meetingId,
    (doc) => (doc.status === 'offered' ? 'book' : 'reschedule'),
    token,
    now,
  );
  if (!found.ok) return found;
  const { doc } = found;
  if (doc.status !== 'offered' && doc.status !== 'booked')
    return failure('conflict', `this meeting is ${doc.status}`);
  return { ok: true, meeting: toMeeting(doc), slots: await freshSlots(ctx, doc, now, timeZone) };
}

/** The meeting behind a signed link, if the link holds. */
export async function linkView(
  ctx: MeetingContext,
  meetingId: string,
  action: LinkAction,
  token: string,
): Promise<Result<{ meeting: Meeting }>> {
  const found = await linked(ctx, meetingId, () => action, token, ctx.clock());
  return found.ok ? { ok: true, meeting: toMeeting(found.doc) } : found;
}

/** Free slots for an agent moving a meeting, presented in `timeZone`. */
export async function slotsForAgent(
  ctx: MeetingContext,
  agent: Agent,
  meetingId: string,
  timeZone: string,
): Promise<Result<{ meeting: Meeting; slots: Slot[] }>> {
  const doc = await meetingFor(ctx, agent, meetingId);
  if (!doc) return failure('not_found', 'no such meeting');
  return { ok: true, meeting: toMeeting(doc), slots: await freshSlots(ctx, doc, ctx.clock(), timeZone) };
}

/**
 * An agent's booked and completed meetings for a day or a week from a date in a zone.
 * @example meetings.upcoming(agent, { range: 'week', from: '2026-03-30', timeZone: 'Europe/Warsaw' })
 */
export async function upcoming(
  ctx: MeetingContext,
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
  const timeZone = query.timeZone ?? (await schedule(ctx, agentId))?.timeZone ?? 'UTC';
  const today = new TZDate(ctx.clock().getTime(), timeZone);
  const [y, m, d] = query.from
    ? (query.from.split('-').map(Number) as [number, number, number])
    : [today.getFullYear(), today.getMonth() + 1, today.getDate()];
  const from = new TZDate(y, m - 1, d, timeZone);
  const to = addDays(from, query.range === 'day' ? 1 : 7);
  const docs = await ctx.meetings
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

/** What an email tells of a meeting; null until it has a host, a time and an attendee's address. */
export async function mailMeeting(ctx: MeetingContext, doc: MeetingDoc): Promise<MailMeeting | null> {
  if (!doc.agentId || !doc.start || !doc.end || !doc.attendee?.email) return null;
  const host = await ctx.schedules.findOne({ agentId: doc.agentId });
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
