// The development Mailbox: outbound mail the built-in server catches, shown to the agents of its
// site, answered "as the visitor" over SMTP, with a proof that lets only those answers skip
// sender verification.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MailboxEntry, Result } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { type ParsedMail, simpleParser } from 'mailparser';
import { trusted } from 'mongoose';
import type { SendMailOptions } from 'nodemailer';
import type { Actor } from '../conversations/service';
import { ALL_REDACTIONS } from '../privacy/redact';
import { parsedAddresses, parseInboundAddress } from './addresses';
import { newMessageId } from './compose';
import type { EmailContext } from './context';
import type { EmailThreadDoc } from './model';
import { maskEmailParts } from './redaction';

/**
 * On the dev Mailbox's own replies: an HMAC of their Message-ID under a key this process never
 * shows. Only those skip sender verification (their From is a made-up visitor's address).
 */
export const MAILBOX_PROOF_HEADER = 'X-Parley-Mailbox-Proof';
const LOOPBACK = /^(?:127\.|::1$|::ffff:127\.)/;
/**
 * On other domains' mail (meeting invites), which names no thread: the site it is about, with an
 * HMAC under the same key, so the Mailbox can show it to that site's agents and no one can pass a
 * mail off as another site's.
 */
const SITE_MARK_HEADER = 'X-Parley-Mailbox-Site';
const OBJECT_ID = /^[0-9a-f]{24}$/;

const siteMark = (ctx: EmailContext, siteId: string) =>
  `${siteId}.${createHmac('sha256', ctx.mailboxKey).update(`site:${siteId}`).digest('base64url')}`;

/** `mail` with its site marked for the dev Mailbox; unchanged when the Mailbox is off. */
export function withSiteMark(ctx: EmailContext, mail: SendMailOptions, siteId: string): SendMailOptions {
  if (!ctx.config.devMailbox) return mail;
  return {
    ...mail,
    headers: { ...(mail.headers as Record<string, string>), [SITE_MARK_HEADER]: siteMark(ctx, siteId) },
  };
}

/** The site a mail's mark names, when the mark is this process's own. */
function markedSite(ctx: EmailContext, mail: ParsedMail): string | null {
  const mark = mail.headers.get(SITE_MARK_HEADER.toLowerCase());
  if (typeof mark !== 'string' || mark.length > 100) return null;
  const siteId = mark.trim().slice(0, 24);
  if (!OBJECT_ID.test(siteId)) return null;
  const given = Buffer.from(mark.trim());
  const expected = Buffer.from(siteMark(ctx, siteId));
  return given.length === expected.length && timingSafeEqual(given, expected) ? siteId : null;
}

function mailboxProof(ctx: EmailContext, messageId: string): string {
  return createHmac('sha256', ctx.mailboxKey).update(messageId).digest('base64url');
}

/**
 * Whether this message is one of the dev Mailbox's own replies: it came over loopback and
 * carries the proof for its Message-ID, which only this process can make. A copy of a proof
 * seen in a held email is of no use: it only fits a Message-ID that is already taken.
 */
export function fromMailbox(
  ctx: EmailContext,
  mail: ParsedMail,
  messageId: string,
  ip: string | undefined,
): boolean {
  if (!ctx.config.devMailbox || !ip || !LOOPBACK.test(ip)) return false;
  const proof = mail.headers.get(MAILBOX_PROOF_HEADER.toLowerCase());
  if (typeof proof !== 'string') return false;
  const given = Buffer.from(proof.trim());
  const expected = Buffer.from(mailboxProof(ctx, messageId));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Keeps an outbound email the built-in server caught (development only), with the site whose
 * thread its Reply-To names (or its site mark), so only that site's agents see it.
 */
export async function catchMail(ctx: EmailContext, raw: Buffer): Promise<void> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true });
  const replyTo = mail.replyTo?.value[0]?.address ?? '';
  const target = parseInboundAddress(replyTo, ctx.config.inboundDomain);
  const thread = target
    ? await ctx.models.threads.findOne({ replyToken: target.token }, { siteId: 1 }).lean<EmailThreadDoc>()
    : null;
  // Parley's own mail is masked already; anything else caught here is masked like inbound mail.
  const masking = maskEmailParts(
    { subject: mail.subject ?? '', text: mail.text ?? '', html: null },
    [],
    raw,
    ALL_REDACTIONS,
  );
  await ctx.models.mailbox.create({
    siteId: thread?.siteId ?? markedSite(ctx, mail),
    messageId: mail.messageId ?? '',
    from: mail.from?.text ?? '',
    to: parsedAddresses(mail.to),
    replyTo: mail.replyTo?.value[0]?.address ?? null,
    subject: masking.parts.subject,
    text: masking.parts.text,
    raw: masking.keepRaw ? raw.toString('utf8') : '(the original is not kept: something in it was masked)',
  });
}

/** What the Mailbox shows the actor: the mail of their sites; admins also see mail of no site. */
function mailboxScope(actor: Actor): Record<string, unknown> | null {
  if (actor.kind !== 'agent') return null;
  return actor.siteIds === null ? {} : { siteId: trusted({ $in: actor.siteIds }) };
}

export async function mailbox(ctx: EmailContext, actor: Actor, limit = 100): Promise<MailboxEntry[]> {
  const scope = mailboxScope(actor);
  if (!scope) return [];
  const docs = await ctx.models.mailbox.find(scope).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
  return docs.map((doc) => ({
    id: doc._id.toHexString(),
    messageId: doc.messageId,
    from: doc.from,
    to: doc.to,
    replyTo: doc.replyTo ?? null,
    subject: doc.subject,
    text: doc.text,
    raw: doc.raw,
    receivedAt: doc.createdAt.toISOString(),
  }));
}

/**
 * Answers a caught email as its recipient would, quoting it the way mail clients do, and sends
 * the answer over SMTP to its Reply-To: the same path a real reply takes.
 */
export async function replyAsVisitor(
  ctx: EmailContext,
  actor: Actor,
  entryId: string,
  body: string,
): Promise<Result<{ messageId: string }>> {
  // Access first: a stranger hears "no such email" whatever this relay can send.
  const scope = mailboxScope(actor);
  const entry = scope && (await ctx.models.mailbox.findOne({ $and: [scope, { _id: entryId }] }).lean());
  if (!entry) return failure('not_found', 'no such email in the Mailbox');
  const send = ctx.send;
  if (!send) return failure('unavailable', 'email is not set up on this relay');
  if (!entry.replyTo || !entry.to[0]) return failure('bad_request', 'that email has no reply address');
  const quoted = entry.text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  const messageId = newMessageId('mailbox.parley.localhost');
  await send({
    messageId,
    from: entry.to[0],
    to: entry.replyTo,
    subject: entry.subject.startsWith('Re:') ? entry.subject : `Re: ${entry.subject}`,
    inReplyTo: entry.messageId,
    references: [entry.messageId],
    headers: { [MAILBOX_PROOF_HEADER]: mailboxProof(ctx, messageId) },
    text: `${body}\n\nOn ${entry.createdAt.toUTCString()}, ${entry.from} wrote:\n${quoted}\n`,
  });
  return { ok: true, messageId };
}
