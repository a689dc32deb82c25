// What one outbox job emails: the opening and the replies its kind calls for (escalation, reply,
// unseen-reply fallback, transcript), kept from an address not yet confirmed or known to bounce,
// and its delivery, which a rerun of the same job repeats without sending twice.
import type { Message } from '@parley/protocol';
import { inboundAddress, maskAddress } from './addresses';
import { composeText, newMessageId, type OutboundEmail, toSendMail } from './compose';
import { type EmailContext, isDuplicateKey, type Sender } from './context';
import type { EmailDoc, EmailJobDoc, EmailThreadDoc } from './model';
import { signContinueLink, threadBinding } from './signatures';
import { remember, siteName, threadFor } from './threads';
import { emailClientId } from './timeline';

const visibleReplies = (timeline: Message[]) =>
  timeline.filter((m) => m.type === 'message' && m.visibility === 'all');

export async function runJob(ctx: EmailContext, job: EmailJobDoc, send: Sender): Promise<void> {
  const conversationId = job.conversationId.toHexString();
  const conversation = await ctx.deps.conversations.byId(conversationId);
  if (!conversation) return;
  const visitor = await ctx.deps.visitors.byId(conversation.visitorId);
  const timeline = visibleReplies(await ctx.deps.conversations.timeline(conversationId));
  const inRange = (m: Message) => m.seq >= job.fromSeq && m.seq <= job.upToSeq;

  let thread = await ctx.models.threads.findOne({ conversationId }).lean<EmailThreadDoc>();
  let messages: Message[] = [];
  let opening: string | null = null;
  /** The agents-only entry that records the email on the timeline, given the masked address. */
  let event: { name: string; body: (to: string) => string } | null = null;
  switch (job.kind) {
    case 'escalation':
      opening = 'We are continuing our conversation by email. You can simply reply to this message.';
      break;
    case 'reply':
      if (conversation.channel !== 'email') return;
      messages = timeline.filter((m) => inRange(m) && m.author.kind === 'agent');
      break;
    case 'fallback': {
      if (conversation.channel === 'email' || !visitor?.email || visitor.emailFailing) return;
      messages = timeline.filter(
        (m) => inRange(m) && m.author.kind === 'agent' && m.seq > conversation.visitorSeenSeq,
      );
      if (messages.length === 0) return;
      const ready = await threadFor(ctx, conversation, visitor.email);
      if (!ready.ok) return;
      thread = ready.thread;
      opening = 'You have a reply you have not seen yet:';
      const count = messages.length === 1 ? '1 unseen reply' : `${messages.length} unseen replies`;
      event = { name: 'email_fallback_sent', body: (to) => `${count} emailed to ${to}` };
      break;
    }
    case 'transcript':
      opening = 'Here is the transcript of our conversation. Reply to this email to continue it.';
      messages = timeline.filter((m) => m.seq <= job.upToSeq);
      event = { name: 'email_transcript_sent', body: (to) => `Transcript emailed to ${to}` };
      break;
  }
  if (!thread) return;
  if (job.kind === 'reply' && messages.length === 0) return;
  // An address only the visitor vouched for gets no transcript until it is confirmed.
  const unconfirmed = thread.confirmed === false;
  const notSent = thread.failing
    ? { body: `Not emailed: mail to ${maskAddress(thread.address)} bounced`, name: 'email_not_sent' }
    : unconfirmed && job.kind === 'transcript'
      ? {
          body: `Transcript not emailed: ${maskAddress(thread.address)} has not confirmed the address yet`,
          name: 'email_not_confirmed',
        }
      : null;
  if (notSent) {
    // The agent must not believe an email went out to an address known to bounce.
    await ctx.deps.conversations.append(
      { kind: 'system' },
      {
        conversationId,
        clientMsgId: emailClientId('email-unsent', `${job._id.toHexString()}:${job.upToSeq}`),
        body: notSent.body,
        type: 'event',
        visibility: 'agents',
        channel: 'email',
        data: { name: notSent.name, upToSeq: job.upToSeq },
      },
    );
    return;
  }

  const first = messages[0]?.seq ?? job.upToSeq + 1;
  // Until the address is confirmed, nothing the visitor wrote (text or name) goes to it.
  const sendable = (m: Message) => !unconfirmed || m.author.kind !== 'visitor';
  messages = messages.filter(sendable);
  const earlier = job.kind === 'transcript' ? [] : timeline.filter((m) => m.seq < first && sendable(m));
  if (unconfirmed) {
    opening = `${opening ?? ''}\n\nIf you did not ask for this, you can ignore this email.`.trim();
  }
  const domain = ctx.config.inboundDomain;
  const visitorName = (!unconfirmed && visitor?.name) || 'You';
  const link = `${ctx.config.publicUrl}/continue/${signContinueLink(ctx.config.linkSecret, {
    conversationId,
    visitorId: conversation.visitorId,
    thread: threadBinding(thread.replyToken),
  })}`;
  const agentName = [...messages].reverse().find((m) => m.author.kind === 'agent')?.author.name;
  const site = (await siteName(ctx, conversation.siteId)) ?? 'Support';
  const mail: OutboundEmail = {
    messageId: newMessageId(domain),
    from: { name: agentName ? `${agentName} (${site})` : site, address: ctx.config.emailFrom },
    to: { name: unconfirmed ? '' : (visitor?.name ?? ''), address: thread.address },
    replyTo: inboundAddress('reply', thread.replyToken, domain),
    subject: thread.messageIds.length > 0 ? `Re: ${thread.subject}` : thread.subject,
    text: composeText({ opening, messages, earlier, visitorName, link }),
    inReplyTo: thread.messageIds.at(-1) ?? null,
    references: thread.messageIds.slice(-10),
    bounceTo: inboundAddress('bounce', thread.replyToken, domain),
    autoGenerated: job.kind === 'transcript',
  };
  const sent = await deliver(
    ctx,
    `${job._id.toHexString()}:${job.fromSeq}:${job.upToSeq}`,
    mail,
    send,
    thread,
  );
  if (event) {
    await ctx.deps.conversations.append(
      { kind: 'system' },
      {
        conversationId,
        clientMsgId: emailClientId('email-out', sent.messageId),
        body: event.body(maskAddress(thread.address)),
        type: 'event',
        visibility: 'agents',
        channel: 'email',
        data: { name: event.name, emailId: sent.id },
      },
    );
  }
}

/**
 * Records the email, then sends it. A rerun of the same job run finds the record and sends the
 * very same message (same Message-ID), or nothing if it already went; either way the rest of
 * the run (thread chain, timeline entry) is finished, each step idempotent.
 */
async function deliver(
  ctx: EmailContext,
  jobKey: string,
  mail: OutboundEmail,
  send: Sender,
  thread: EmailThreadDoc,
): Promise<{ id: string; messageId: string }> {
  let record: EmailDoc;
  try {
    record = (
      await ctx.models.emails.create({
        direction: 'out',
        conversationId: thread.conversationId,
        messageId: mail.messageId,
        from: mail.from.address,
        to: [mail.to.address],
        subject: mail.subject,
        text: mail.text,
        disposition: 'sending',
        jobKey,
        outbound: mail,
      })
    ).toObject() as EmailDoc;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    record = (await ctx.models.emails.findOne({ jobKey }).lean<EmailDoc>())!;
  }
  const stored = record.outbound as OutboundEmail;
  if (record.disposition !== 'sent') {
    await send(toSendMail(stored, ctx.config.inboundDomain));
    await ctx.models.emails.updateOne({ _id: record._id }, { $set: { disposition: 'sent' } });
  }
  await remember(ctx, thread._id, stored.messageId);
  return { id: record._id.toHexString(), messageId: stored.messageId };
}
