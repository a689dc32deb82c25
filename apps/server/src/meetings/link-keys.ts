// A meeting's signed links: which meeting a link or an agent acts on, the tokens and URLs a meeting
// hands out now, and new keys that make old tokens dead. Signing itself is in links.ts.
import type { Failure, MeetingLinks } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import type { Agent } from '../agents/service';
import { type MeetingContext, meetingFor } from './context';
import type { ManageLinks } from './emails';
import { type LinkAction, newLinkKey, signLink, verifyLink } from './links';
import type { MeetingDoc } from './model';

/** Who is acting on a meeting: an agent in the console, or whoever holds a signed link. */
export type MeetingActor = { kind: 'agent'; agent: Agent } | { kind: 'link'; token: string };

/**
 * The one answer to a link that does not hold, whether the meeting is missing, the token forged
 * or replaced by a later change: no id can be probed for existence through different answers.
 */
export const invalidLink = (): Failure =>
  failure('forbidden', 'this link is not valid; the latest email about this meeting has the current one');

const MAX_LINK_TOKEN = 128;

/**
 * The meeting a link names, if the link holds for the action it allows on the meeting as it is.
 * Only a token signed with the meeting's current key is told that it expired.
 */
export async function linked(
  ctx: MeetingContext,
  meetingId: string,
  action: (doc: MeetingDoc) => LinkAction,
  token: string,
  now: Date,
): Promise<{ ok: true; doc: MeetingDoc } | Failure> {
  // A token is `<expiry>.<signature>`, well under 128 characters: anything else is refused unread.
  if (token.length > MAX_LINK_TOKEN || !token.includes('.')) return invalidLink();
  const doc = await ctx.meetings.findOne({ _id: new ObjectId(meetingId) });
  if (!doc) return invalidLink();
  const check = verifyLink(doc.linkKey, doc._id.toHexString(), action(doc), token, now);
  if (check.ok) return { ok: true, doc };
  return check.reason === 'expired' ? failure('forbidden', 'this link has expired') : invalidLink();
}

/** The meeting an agent (of its site) or a link (that holds for `action`) acts on. */
export async function actingOn(
  ctx: MeetingContext,
  by: MeetingActor,
  meetingId: string,
  action: LinkAction,
  now: Date,
): Promise<{ ok: true; doc: MeetingDoc } | Failure> {
  if (by.kind === 'link') return linked(ctx, meetingId, () => action, by.token, now);
  const doc = await meetingFor(ctx, by.agent, meetingId);
  return doc ? { ok: true, doc } : failure('not_found', 'no such meeting');
}

export function bookToken(doc: MeetingDoc): string {
  return signLink(doc.linkKey, doc._id.toHexString(), 'book', doc.offerExpiresAt);
}

function linkUrl(ctx: MeetingContext, doc: MeetingDoc, action: LinkAction, token: string): string {
  return `${ctx.options.publicUrl}/meetings/${doc._id.toHexString()}/${action}?t=${token}`;
}

/** Reschedule and cancel tokens, valid until the meeting starts. */
export function manageLinks(doc: MeetingDoc): MeetingLinks {
  const until = doc.start ?? doc.offerExpiresAt;
  const id = doc._id.toHexString();
  return {
    reschedule: signLink(doc.linkKey, id, 'reschedule', until),
    cancel: signLink(doc.linkKey, id, 'cancel', until),
  };
}

export function manageUrls(ctx: MeetingContext, doc: MeetingDoc): ManageLinks {
  const links = manageLinks(doc);
  return {
    reschedule: linkUrl(ctx, doc, 'reschedule', links.reschedule!),
    cancel: linkUrl(ctx, doc, 'cancel', links.cancel!),
  };
}

/**
 * Meetings made before links were kept off the timeline have their tokens on it, where agents,
 * exports and transcripts read them: a new key makes those tokens (and their emails' links)
 * dead; the widget asks for fresh ones. Once per meeting: it gets the timeline ids every newer
 * meeting has. Answers how many it retired.
 */
export async function retireTimelineTokens(ctx: MeetingContext): Promise<number> {
  const early = await ctx.meetings
    .find({ timelineIds: { $exists: false } }, { projection: { _id: 1 } })
    .toArray();
  let retired = 0;
  for (const { _id } of early) {
    const result = await ctx.meetings.updateOne(
      { _id, timelineIds: { $exists: false } },
      { $set: { linkKey: newLinkKey(), timelineIds: {}, updatedAt: ctx.clock() } },
    );
    retired += result.modifiedCount;
  }
  return retired;
}
