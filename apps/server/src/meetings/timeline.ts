// Meeting events on the conversation's timeline: their client ids, who they are filed as, and
// the time details they carry (never a link's token).
import { randomBytes } from 'node:crypto';
import type { MeetingEventName } from '@parley/protocol';
import type { ObjectId } from 'mongodb';
import type { Actor } from '../conversations/service';
import type { MeetingContext } from './context';
import type { MeetingDoc } from './model';

/**
 * A timeline entry's client id: random, so nobody can name another conversation's entry, and
 * stored on the meeting in the same update as the change, so the server's own retry reuses it.
 */
export const timelineId = (meetingId: ObjectId, key: string) =>
  `mtg-${meetingId.toHexString()}-${key}-${randomBytes(12).toString('base64url')}`;

export function visitorActor(doc: MeetingDoc): Actor {
  const actor: Actor = {
    kind: 'visitor',
    visitorId: doc.visitorId.toHexString(),
    siteId: doc.siteId.toHexString(),
  };
  if (doc.attendee?.name) actor.name = doc.attendee.name;
  return actor;
}

export function timeData(doc: MeetingDoc, extra: Record<string, unknown>): Record<string, unknown> {
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
export async function record(
  ctx: MeetingContext,
  doc: MeetingDoc,
  actor: Actor,
  name: MeetingEventName,
  key: string,
  entry: { body: string; data: Record<string, unknown> },
): Promise<void> {
  const result = await ctx.conversations.append(actor, {
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
