// A conversation's email thread: the address its email goes to, chosen and confirmed; the reply
// token that names it; its chain of Message-IDs; and the stored emails of it an agent may open.
import type { Conversation, EmailThreadView, EmailView, Result } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { emailAddressSchema } from '@parley/protocol/schemas';
import { type Types, trusted } from 'mongoose';
import type { Actor } from '../conversations/service';
import type { Visitor } from '../visitors/service';
import { maskAddress, newReplyToken } from './addresses';
import { threadSubject } from './compose';
import { type EmailContext, isDuplicateKey } from './context';
import type { EmailDoc, EmailThreadDoc } from './model';
import { type ContinueLink, threadBinding } from './signatures';

export function threadView(thread: EmailThreadDoc): EmailThreadView {
  return {
    conversationId: thread.conversationId.toHexString(),
    address: thread.address,
    maskedAddress: maskAddress(thread.address),
    failing: thread.failing,
  };
}

export function emailView(doc: EmailDoc): EmailView {
  return {
    id: doc._id.toHexString(),
    direction: doc.direction,
    conversationId: doc.conversationId ? doc.conversationId.toHexString() : null,
    messageId: doc.messageId,
    from: doc.from,
    to: doc.to,
    subject: doc.subject,
    text: doc.text,
    html: doc.html ?? null,
    attachments: doc.attachments.map((a) => ({
      id: a.id.toHexString(),
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
    })),
    createdAt: doc.createdAt.toISOString(),
  };
}

/** The email side of a conversation the actor may see, or null if it never went to email. */
export async function thread(
  ctx: EmailContext,
  actor: Actor,
  conversationId: string,
): Promise<EmailThreadView | null> {
  if (!(await ctx.deps.conversations.get(actor, conversationId))) return null;
  const thread = await ctx.models.threads.findOne({ conversationId }).lean<EmailThreadDoc>();
  return thread ? threadView(thread) : null;
}

/** Where the conversation's email goes: `address`, else the thread's, else the visitor's email. */
export async function addressFor(
  ctx: EmailContext,
  conversation: Conversation,
  address: string | undefined,
): Promise<Result<{ to: string; visitor: Visitor | null; existing: EmailThreadDoc | null }>> {
  const visitor = await ctx.deps.visitors.byId(conversation.visitorId);
  const existing = await ctx.models.threads
    .findOne({ conversationId: conversation.id })
    .lean<EmailThreadDoc>();
  const parsed = emailAddressSchema.safeParse(address ?? existing?.address ?? visitor?.email ?? '');
  if (!parsed.success) return failure('bad_request', 'the visitor has not given a usable email address');
  const to = parsed.data;
  if (to.endsWith(`@${ctx.config.inboundDomain.toLowerCase()}`)) {
    return failure('bad_request', 'that address would send Parley mail to itself');
  }
  return { ok: true, to, visitor, existing };
}

/**
 * The conversation's thread at `address` (or the visitor's email), created on first use. A new
 * address gets a new reply token, so the old address can no longer answer. Who chose it decides
 * whether it counts as confirmed: an agent vouches for an address, a visitor does not (mail to
 * it then carries none of the visitor's words until it is confirmed), and the relay's own
 * emails (fallbacks, transcripts on resolve) leave a thread as it is.
 */
export async function threadFor(
  ctx: EmailContext,
  conversation: Conversation,
  address: string | undefined,
  chosenBy: 'agent' | 'visitor' | 'system' = 'system',
): Promise<Result<{ thread: EmailThreadDoc }>> {
  const resolved = await addressFor(ctx, conversation, address);
  if (!resolved.ok) return resolved;
  const { to, visitor, existing } = resolved;
  const confirmed = chosenBy !== 'visitor';
  if (visitor && visitor.email !== to) await ctx.deps.visitors.setEmail(visitor.id, to);
  if (existing && existing.address === to) {
    if (chosenBy !== 'agent' || existing.confirmed !== false) return { ok: true, thread: existing };
    await ctx.models.threads.updateOne({ _id: existing._id }, { $set: { confirmed: true } });
    return { ok: true, thread: { ...existing, confirmed: true } };
  }
  if (existing) {
    // A new reply token also ends the continue links sent to the old address (openLink),
    // and the browser sessions they were exchanged for.
    const thread = await ctx.models.threads
      .findOneAndUpdate(
        { _id: existing._id },
        { $set: { address: to, replyToken: newReplyToken(), failing: false, confirmed } },
        { returnDocument: 'after' },
      )
      .lean<EmailThreadDoc>();
    await ctx.deps.visitors.revokeDevices(conversation.visitorId, conversation.id);
    return { ok: true, thread: thread! };
  }
  try {
    const created = await ctx.models.threads.create({
      conversationId: conversation.id,
      siteId: conversation.siteId,
      visitorId: conversation.visitorId,
      address: to,
      replyToken: newReplyToken(),
      subject: threadSubject((await siteName(ctx, conversation.siteId)) ?? 'Support', conversation.id),
      confirmed,
    });
    return { ok: true, thread: created.toObject() as EmailThreadDoc };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return threadFor(ctx, conversation, to, chosenBy);
  }
}

/**
 * Whether a verified continue link still names its conversation's thread (one sent before the
 * thread moved to another address no longer does). Opening a current link shows its address
 * reads its mail: the thread counts as confirmed from then on.
 */
export async function openLink(ctx: EmailContext, link: ContinueLink): Promise<boolean> {
  const thread = await ctx.models.threads
    .findOne({ conversationId: link.conversationId }, { replyToken: 1, confirmed: 1 })
    .lean<EmailThreadDoc>();
  if (!thread || threadBinding(thread.replyToken) !== link.thread) return false;
  if (thread.confirmed === false) {
    await ctx.models.threads.updateOne({ _id: thread._id }, { $set: { confirmed: true } });
  }
  return true;
}

export async function siteName(ctx: EmailContext, siteId: string): Promise<string | null> {
  const site = await ctx.deps.sites.byId(siteId);
  return site?.name ?? null;
}

/** Adds a Message-ID to the thread's chain: the next email answers it. */
export async function remember(
  ctx: EmailContext,
  threadId: Types.ObjectId,
  messageId: string,
): Promise<void> {
  await ctx.models.threads.updateOne(
    { _id: threadId, messageIds: trusted({ $ne: messageId }) },
    { $push: { messageIds: { $each: [messageId], $slice: -20 } } },
  );
}

// Reading stored mail

/** A stored email on a conversation the actor may see. Held mail without one: admins only. */
export async function email(ctx: EmailContext, actor: Actor, emailId: string): Promise<EmailView | null> {
  const doc = await ctx.models.emails.findById(emailId).lean<EmailDoc>();
  if (!doc || !(await mayRead(ctx, actor, doc))) return null;
  return emailView(doc);
}

export async function attachment(
  ctx: EmailContext,
  actor: Actor,
  attachmentId: string,
): Promise<{ filename: string; contentType: string; content: Buffer } | null> {
  // Access first: only the attachment's email is read until the actor may see it.
  const owner = await ctx.models.attachments.findById(attachmentId, { emailId: 1 }).lean();
  if (!owner) return null;
  const doc = await ctx.models.emails.findById(owner.emailId).lean<EmailDoc>();
  if (!doc || !(await mayRead(ctx, actor, doc))) return null;
  const attachment = await ctx.models.attachments.findById(attachmentId).lean();
  if (!attachment) return null;
  return {
    filename: attachment.filename,
    contentType: attachment.contentType,
    content: Buffer.from(attachment.content.buffer ?? attachment.content),
  };
}

async function mayRead(ctx: EmailContext, actor: Actor, doc: EmailDoc): Promise<boolean> {
  if (actor.kind !== 'agent') return false;
  if (!doc.conversationId) return actor.siteIds === null;
  return (await ctx.deps.conversations.get(actor, doc.conversationId.toHexString())) !== null;
}
