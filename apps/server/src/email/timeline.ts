// Email on the conversation's timeline: an inbound reply joins as the visitor's message, a bounce
// or an automatic reply as an event only agents see, each under a client id that makes a second
// delivery (or a rerun of an outbox job) harmless.
import { createHash } from 'node:crypto';
import type { RedactionKind } from '@parley/protocol';
import { maskAddress } from './addresses';
import { newText } from './content';
import type { EmailContext } from './context';
import type { EmailDoc, EmailThreadDoc } from './model';
import { remember } from './threads';

/** An inbound email that joined its conversation's timeline. */
export type AddedEmail = { disposition: 'added'; emailId: string; conversationId: string; seq: number };

/** A timeline client id for an email, so a second delivery of it can never add it twice. */
export const emailClientId = (prefix: string, messageId: string) =>
  `${prefix}-${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}`;

export async function addToTimeline(
  ctx: EmailContext,
  record: EmailDoc,
  thread: EmailThreadDoc,
): Promise<AddedEmail> {
  const text = newText(record.text);
  const names = record.attachments.map((a) => a.filename);
  const body = text || (names.length > 0 ? `Sent ${names.join(', ')}` : '(empty email)');
  const result = await ctx.deps.conversations.append(
    { kind: 'visitor', visitorId: thread.visitorId.toHexString(), siteId: thread.siteId.toHexString() },
    {
      conversationId: thread.conversationId.toHexString(),
      clientMsgId: emailClientId('email-in', record.messageId),
      body,
      channel: 'email',
      ...(record.redacted && record.redacted.length > 0
        ? { redacted: record.redacted as RedactionKind[] }
        : {}),
      data: {
        name: 'email',
        emailId: record._id.toHexString(),
        subject: record.subject,
        attachments: record.attachments.map((a) => ({
          id: a.id.toHexString(),
          filename: a.filename,
          contentType: a.contentType,
          size: a.size,
        })),
      },
    },
  );
  if (!result.ok) throw new Error(`could not add the email to its conversation: ${result.message}`);
  // A reply from the thread's address shows that address reads its mail.
  if (thread.confirmed === false) {
    await ctx.models.threads.updateOne({ _id: thread._id }, { $set: { confirmed: true } });
  }
  await ctx.models.emails.updateOne({ _id: record._id }, { $set: { seq: result.message.seq } });
  await remember(ctx, thread._id, record.messageId);
  return {
    disposition: 'added',
    emailId: record._id.toHexString(),
    conversationId: result.message.conversationId,
    seq: result.message.seq,
  };
}

/** Tells the agents, without reopening anything: a note-like event only they see. */
export async function noteAutomated(
  ctx: EmailContext,
  kind: 'bounce' | 'auto_reply',
  thread: EmailThreadDoc,
  messageId: string,
): Promise<void> {
  const masked = maskAddress(thread.address);
  if (kind === 'bounce') {
    await ctx.models.threads.updateOne({ _id: thread._id }, { $set: { failing: true } });
    await ctx.deps.visitors.markEmailFailing(thread.visitorId.toHexString(), thread.address);
  }
  await ctx.deps.conversations.append(
    { kind: 'system' },
    {
      conversationId: thread.conversationId.toHexString(),
      clientMsgId: emailClientId('email-auto', messageId),
      body:
        kind === 'bounce'
          ? `Email to ${masked} bounced: the address is marked as failing`
          : `${masked} answered with an automatic reply`,
      type: 'event',
      visibility: 'agents',
      channel: 'email',
      data: { name: kind === 'bounce' ? 'email_bounced' : 'email_auto_reply' },
    },
  );
}
