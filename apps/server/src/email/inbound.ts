// Receiving mail, by either door (the built-in SMTP server, the HTTP webhook): which recipients
// are taken, how a message is parsed, verified and stored, and where it goes from there.
import { createHash } from 'node:crypto';
import type { HeldReason } from '@parley/protocol';
import { type ParsedMail, simpleParser } from 'mailparser';
import { Types } from 'mongoose';
import { ALL_REDACTIONS } from '../privacy/redact';
import { parsedAddresses, parseInboundAddress } from './addresses';
import { automated } from './automated';
import { safeAttachment, safeHtml } from './content';
import { type EmailContext, isDuplicateKey } from './context';
import { fromMailbox } from './dev-mailbox';
import { roomToHold } from './held';
import type { EmailDoc, EmailThreadDoc } from './model';
import { maskEmailParts } from './redaction';
import { type AddedEmail, addToTimeline, noteAutomated } from './timeline';
import { checkSender } from './verification';

/** The largest email either door takes. */
export const MAX_EMAIL_BYTES = 10 * 1024 * 1024;
/** Most characters of an email's text and HTML kept, so a record stays well inside a document. */
const MAX_STORED_TEXT = 1_000_000;

/** What became of an inbound email. */
export type InboundOutcome =
  | AddedEmail
  | { disposition: 'held'; emailId: string; reason: HeldReason }
  | { disposition: 'duplicate' | 'auto_reply' | 'bounce' | 'loop'; emailId: string | null }
  | { disposition: 'refused'; emailId: null; message: string };

function headerAddresses(mail: ParsedMail, name: string): string[] {
  const value = mail.headers.get(name);
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.replace(/[<>\s]/g, '').toLowerCase());
}

/**
 * Whether the inbound SMTP server takes mail for this recipient, asked at RCPT so nothing is
 * received for it otherwise: one of Parley's addresses only if its token names a thread; any
 * other address only when the dev Mailbox catches it.
 */
export async function acceptsRecipient(ctx: EmailContext, address: string): Promise<boolean> {
  const target = parseInboundAddress(address, ctx.config.inboundDomain);
  if (!target) return ctx.config.devMailbox;
  return (await ctx.models.threads.exists({ replyToken: target.token })) !== null;
}

/** Whether a recipient is one of Parley's own addresses (the rest go to the dev Mailbox). */
export function isInbound(ctx: EmailContext, address: string): boolean {
  return parseInboundAddress(address, ctx.config.inboundDomain) !== null;
}

/**
 * One inbound email, from either door. Replies from the thread's address join the timeline as
 * the visitor's message (new text only, original kept); anything else is held, ignored or, for
 * bounces, marks the address as failing.
 * @example await receive(ctx, raw, { envelopeFrom: 'jane@example.com', recipients: ['reply+…@parley.localhost'] })
 */
export async function receive(
  ctx: EmailContext,
  raw: Buffer,
  envelope: { envelopeFrom: string | null; recipients: string[] | null; ip?: string; helo?: string },
): Promise<InboundOutcome> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true });
  const messageId =
    mail.messageId?.trim() || `<${createHash('sha256').update(raw).digest('hex')}@parley.invalid>`;
  const recipients = envelope.recipients ?? [
    ...parsedAddresses(mail.to),
    ...parsedAddresses(mail.cc),
    ...headerAddresses(mail, 'delivered-to'),
    ...headerAddresses(mail, 'x-original-to'),
  ];
  const target = recipients
    .map((r) => parseInboundAddress(r, ctx.config.inboundDomain))
    .find((t) => t !== null);
  const thread = target
    ? await ctx.models.threads.findOne({ replyToken: target.token }).lean<EmailThreadDoc>()
    : null;

  const earlier = await ctx.models.emails.findOne({ direction: 'in', messageId }).lean<EmailDoc>();
  if (earlier) {
    // A redelivery after a crash between storing and adding finishes the job; any other is ignored.
    if (earlier.disposition === 'added' && earlier.seq === null && thread) {
      return addToTimeline(ctx, earlier, thread);
    }
    return { disposition: 'duplicate', emailId: earlier._id.toHexString() };
  }

  const kind = automated(mail, {
    envelopeFrom: envelope.envelopeFrom,
    inboundDomain: ctx.config.inboundDomain,
  });
  const from = mail.from?.value.length === 1 ? (mail.from.value[0]!.address ?? '').toLowerCase() : '';
  // Masked before anything is stored; mail of no thread is masked as strictly as can be.
  const masking = maskEmailParts(
    {
      subject: mail.subject ?? '',
      text: (mail.text ?? '').slice(0, MAX_STORED_TEXT),
      html: mail.html ? safeHtml(mail.html.slice(0, MAX_STORED_TEXT)) : null,
    },
    mail.attachments.map((a) => ({
      id: new Types.ObjectId(),
      ...safeAttachment(a.filename, a.contentType),
      size: a.size,
      content: a.content,
    })),
    raw,
    thread ? await ctx.deps.redaction(thread.siteId.toHexString()) : ALL_REDACTIONS,
  );
  const base = {
    direction: 'in' as const,
    messageId,
    from,
    to: recipients,
    ...masking.parts,
    ...(masking.redacted.length > 0 ? { redacted: masking.redacted } : {}),
  };
  if (kind) {
    const record = await store(ctx, {
      ...base,
      conversationId: thread?.conversationId ?? null,
      disposition: kind,
    });
    if (!record) return { disposition: 'duplicate', emailId: null };
    if (thread && kind !== 'loop') await noteAutomated(ctx, kind, thread, messageId);
    return { disposition: kind, emailId: record._id.toHexString() };
  }

  let reason: HeldReason | null = !target
    ? 'no_token'
    : !thread || target.kind !== 'reply'
      ? 'unknown_token'
      : from !== thread.address
        ? 'sender_mismatch'
        : null;
  // The From address is only the visitor's if its domain vouches for the message.
  let verification: string | null = null;
  if (!reason && ctx.config.emailVerify && !fromMailbox(ctx, mail, messageId, envelope.ip)) {
    const check = await checkSender(raw, {
      ...(envelope.ip ? { ip: envelope.ip } : {}),
      ...(envelope.helo ? { helo: envelope.helo } : {}),
      envelopeFrom: envelope.envelopeFrom,
      mta: ctx.config.inboundDomain,
      ...(ctx.resolver ? { resolver: ctx.resolver } : {}),
    });
    verification = check.summary;
    if (check.failed) reason = 'failed_verification';
  }
  if (reason || !thread) {
    const siteId = thread?.siteId ?? null;
    if (!(await roomToHold(ctx, siteId, raw.length))) {
      return { disposition: 'refused', emailId: null, message: 'too much mail is waiting for review' };
    }
    const record = await store(
      ctx,
      {
        ...base,
        conversationId: thread?.conversationId ?? null,
        siteId,
        size: raw.length,
        disposition: 'held',
        heldReason: reason,
        verification,
        raw: masking.keepRaw ? raw : null,
      },
      masking.attachments,
    );
    if (!record) return { disposition: 'duplicate', emailId: null };
    return { disposition: 'held', emailId: record._id.toHexString(), reason: reason ?? 'unknown_token' };
  }

  const record = await store(
    ctx,
    { ...base, conversationId: thread.conversationId, disposition: 'added', verification },
    masking.attachments,
  );
  if (!record) return { disposition: 'duplicate', emailId: null };
  return addToTimeline(ctx, record, thread);
}

interface StoredAttachment {
  id: Types.ObjectId;
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
}

/** Stores an inbound record (and its attachments); null if the same Message-ID got there first. */
async function store(
  ctx: EmailContext,
  fields: Record<string, unknown>,
  attachments: StoredAttachment[] = [],
): Promise<EmailDoc | null> {
  const _id = new Types.ObjectId();
  try {
    const record = await ctx.models.emails.create({
      _id,
      ...fields,
      attachments: attachments.map(({ content: _content, ...ref }) => ref),
    });
    if (attachments.length > 0) {
      await ctx.models.attachments.insertMany(
        attachments.map(({ id, ...rest }) => ({ _id: id, emailId: _id, ...rest })),
      );
    }
    return record.toObject() as EmailDoc;
  } catch (error) {
    if (isDuplicateKey(error)) return null;
    throw error;
  }
}
