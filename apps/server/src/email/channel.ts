// Switching a conversation's channel: on to email (an agent's choice, or a visitor's "Email me
// instead" within its limits), back to chat, and a transcript sent without switching.
import { randomUUID } from 'node:crypto';
import type { Conversation, EmailThreadView, Result } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { trusted } from 'mongoose';
import type { Actor } from '../conversations/service';
import { maskAddress } from './addresses';
import type { EmailContext } from './context';
import { schedule } from './outbox';
import { addressFor, threadFor, threadView } from './threads';

/** Limits of a visitor's "Email me instead" (emailMeInstead). */
const EMAIL_ME_PER_VISITOR = 3;
const EMAIL_ME_PER_SITE = 30;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Continues a conversation by email: at `address`, or at the email the visitor gave. The
 * conversation's channel becomes email, every view shows the masked address, and the first
 * email (recap and link) goes out.
 * @example await continueByEmail(ctx, agentActor, conversationId, 'jane@example.com')
 */
export async function continueByEmail(
  ctx: EmailContext,
  actor: Actor,
  conversationId: string,
  address?: string,
): Promise<Result<{ conversation: Conversation; thread: EmailThreadView }>> {
  // Access first: a stranger hears "no such conversation" whatever this relay can send.
  const conversation = await ctx.deps.conversations.get(actor, conversationId);
  if (!conversation) return failure('not_found', 'no such conversation');
  if (!ctx.send) return failure('unavailable', 'email is not set up on this relay');
  const ready = await threadFor(ctx, conversation, address, actor.kind);
  if (!ready.ok) return ready;
  const { thread } = ready;
  const changed = await ctx.deps.conversations.setChannel(actor, conversationId, {
    channel: 'email',
    emailTo: maskAddress(thread.address),
    clientMsgId: `email-on-${randomUUID()}`,
    body: `Continuing by email at ${maskAddress(thread.address)}`,
  });
  if (!changed.ok) return changed;
  await schedule(ctx, conversationId, 'escalation', new Date(), changed.conversation.seq);
  return { ok: true, conversation: changed.conversation, thread: threadView(thread) };
}

/** Back to chat: the agent's next reply goes to the widget again. */
export async function continueInChat(
  ctx: EmailContext,
  actor: Actor,
  conversationId: string,
): Promise<Result<{ conversation: Conversation }>> {
  return ctx.deps.conversations.setChannel(actor, conversationId, {
    channel: 'chat',
    emailTo: null,
    clientMsgId: `email-off-${randomUUID()}`,
    body: 'Continuing in the chat',
  });
}

/** Emails the visible timeline to the visitor, with the reply address so an answer reopens it. */
export async function sendTranscript(
  ctx: EmailContext,
  actor: Actor,
  conversationId: string,
  address?: string,
): Promise<Result> {
  // Access first: a stranger hears "no such conversation" whatever this relay can send.
  const conversation = await ctx.deps.conversations.get(actor, conversationId);
  if (!conversation) return failure('not_found', 'no such conversation');
  if (!ctx.send) return failure('unavailable', 'email is not set up on this relay');
  const ready = await threadFor(ctx, conversation, address, actor.kind);
  if (!ready.ok) return ready;
  await schedule(ctx, conversationId, 'transcript', new Date(), conversation.seq);
  return { ok: true };
}

/**
 * "Email me instead" from the widget, within its limits: a visitor has mail sent to one address
 * a day and asks at most EMAIL_ME_PER_VISITOR times a day; a site takes EMAIL_ME_PER_SITE an
 * hour. The address is the visitor's word only, so the thread starts unconfirmed.
 */
export async function emailMeInstead(
  ctx: EmailContext,
  actor: Extract<Actor, { kind: 'visitor' }>,
  conversationId: string,
  address?: string,
): Promise<Result<{ conversation: Conversation; thread: EmailThreadView }>> {
  if (!ctx.send) return failure('unavailable', 'email is not set up on this relay');
  const conversation = await ctx.deps.conversations.get(actor, conversationId);
  if (!conversation) return failure('not_found', 'no such conversation');
  const resolved = await addressFor(ctx, conversation, address);
  if (!resolved.ok) return resolved;
  const now = Date.now();
  const asked = await ctx.models.emailMe
    .find(
      { visitorId: actor.visitorId, createdAt: trusted({ $gte: new Date(now - DAY_MS) }) },
      { address: 1 },
    )
    .lean();
  if (asked.some((request) => request.address !== resolved.to)) {
    return failure('rate_limited', 'mail can go to one address a day: reply to the email already sent');
  }
  if (asked.length >= EMAIL_ME_PER_VISITOR) {
    return failure(
      'rate_limited',
      'you asked for email several times today: reply to the email already sent',
    );
  }
  const bySite = await ctx.models.emailMe.countDocuments({
    siteId: actor.siteId,
    createdAt: trusted({ $gte: new Date(now - HOUR_MS) }),
  });
  if (bySite >= EMAIL_ME_PER_SITE) {
    return failure('rate_limited', 'too many email requests on this site right now, try again later');
  }
  await ctx.models.emailMe.create({
    visitorId: actor.visitorId,
    siteId: actor.siteId,
    address: resolved.to,
  });
  return continueByEmail(ctx, actor, conversationId, resolved.to);
}
