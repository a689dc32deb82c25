// The email channel: escalating a conversation to email, the emails that go out (replies,
// unseen-reply fallbacks, transcripts) as durable jobs, and the inbound path both doors share.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  Conversation,
  EmailSiteSettings,
  EmailThreadView,
  EmailView,
  HeldEmailView,
  HeldReason,
  MailboxEntry,
  Message,
  Result,
} from '@parley/protocol';
import { failure } from '@parley/protocol';
import { emailAddressSchema } from '@parley/protocol/schemas';
import type { DNSResolver } from 'mailauth';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { Connection } from 'mongoose';
import { Types, trusted } from 'mongoose';
import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config';
import type { Actor, ConversationService, OwedMessage, Route } from '../conversations/service';
import { leaseUntil, nextAttempt } from '../shared/outbox';
import type { SiteService } from '../sites/service';
import type { Visitor, VisitorService } from '../visitors/service';
import { inboundAddress, maskAddress, newReplyToken, parseInboundAddress } from './addresses';
import { automated } from './automated';
import { composeText, newMessageId, type OutboundEmail, threadSubject, toSendMail } from './compose';
import { newText, safeAttachment, safeHtml } from './content';
import {
  type EmailDoc,
  type EmailJobDoc,
  type EmailModels,
  type EmailSiteSettingsDoc,
  type EmailThreadDoc,
  emailModels,
} from './model';
import { type ContinueLink, signContinueLink, threadBinding } from './signatures';
import { checkSender } from './verification';

/** The largest email either door takes. */
export const MAX_EMAIL_BYTES = 10 * 1024 * 1024;
/** Most characters of an email's text and HTML kept, so a record stays well inside a document. */
const MAX_STORED_TEXT = 1_000_000;
/**
 * Held mail an admin has not dealt with, per site (mail to no thread at all counts as one more
 * "site"): past either limit new mail to be held is refused (552) and what is held stays, so a
 * flood cannot push out mail an admin still has to look at.
 */
export const MAX_HELD_PER_SITE = 100;
export const MAX_HELD_BYTES_PER_SITE = 50 * 1024 * 1024;
/**
 * On the dev Mailbox's own replies: an HMAC of their Message-ID under a key this process never
 * shows. Only those skip sender verification (their From is a made-up visitor's address).
 */
export const MAILBOX_PROOF_HEADER = 'X-Parley-Mailbox-Proof';
const LOOPBACK = /^(?:127\.|::1$|::ffff:127\.)/;
/** Limits of a visitor's "Email me instead" (emailMeInstead). */
const EMAIL_ME_PER_VISITOR = 3;
const EMAIL_ME_PER_SITE = 30;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

type JobKind = EmailJobDoc['kind'];
export type Sender = (mail: SendMailOptions) => Promise<unknown>;

/** What became of an inbound email. */
export type InboundOutcome =
  | { disposition: 'added'; emailId: string; conversationId: string; seq: number }
  | { disposition: 'held'; emailId: string; reason: HeldReason }
  | { disposition: 'duplicate' | 'auto_reply' | 'bounce' | 'loop'; emailId: string | null }
  | { disposition: 'refused'; emailId: null; message: string };

/**
 * What an agent's reply is owed until this domain has dealt with it: on an email conversation,
 * its email; on a chat, the fallback email if the visitor gave an address. The mark is stored
 * with the message (ConversationService.owe), so a relay that stops in between leaves it for
 * the next pass of any relay's worker (recoverOwed).
 */
const OWED = 'email';
const isAgentReply = (m: OwedMessage) =>
  m.author.kind === 'agent' && m.type === 'message' && m.visibility === 'all';
/** Marks are cleared in bulk: one write for the replies of this long. */
const SETTLE_EVERY_MS = 100;

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/** A timeline client id for an email, so a second delivery of it can never add it twice. */
const emailClientId = (prefix: string, messageId: string) =>
  `${prefix}-${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}`;

const visibleReplies = (timeline: Message[]) =>
  timeline.filter((m) => m.type === 'message' && m.visibility === 'all');

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((o) => o.value.map((a) => (a.address ?? '').toLowerCase())).filter(Boolean);
}

function headerAddresses(mail: ParsedMail, name: string): string[] {
  const value = mail.headers.get(name);
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.replace(/[<>\s]/g, '').toLowerCase());
}

function threadView(thread: EmailThreadDoc): EmailThreadView {
  return {
    conversationId: thread.conversationId.toHexString(),
    address: thread.address,
    maskedAddress: maskAddress(thread.address),
    failing: thread.failing,
  };
}

function emailView(doc: EmailDoc): EmailView {
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

export class EmailService {
  private readonly models: EmailModels;
  private send: Sender | null = null;
  private resolver: DNSResolver | null = null;
  /** Says a job may be due now, so the worker need not wait for its next tick. */
  readonly due = new EventEmitter<{ due: [] }>();
  /** Signs the dev Mailbox's replies (MAILBOX_PROOF_HEADER); never leaves this process. */
  private readonly mailboxKey = randomBytes(32);
  /** The port the built-in SMTP server listens on, once the workers started it. */
  inboundPort: number | null = null;

  constructor(
    connection: Connection,
    private readonly config: Config,
    private readonly deps: {
      conversations: ConversationService;
      visitors: VisitorService;
      sites: SiteService;
    },
  ) {
    this.models = emailModels(connection);
  }

  private owing = false;

  /**
   * From now on, agents' replies are stored marked until this domain has dealt with them. The
   * workers call it when the relay can send email: without it, nothing would ever clear a mark.
   */
  oweReplies(): void {
    if (this.owing) return;
    this.owing = true;
    this.deps.conversations.owe(OWED, isAgentReply);
  }

  async syncIndexes(): Promise<void> {
    await Promise.all(Object.values(this.models).map((model) => model.syncIndexes()));
  }

  /** Where outbound mail goes; set by the workers once SMTP is ready, null while it is not. */
  useSender(send: Sender | null): void {
    this.send = send;
  }

  /**
   * Sends one message through the channel's outbound path, for other domains' mail (meeting
   * invites). Throws when no outbound server is configured, so the caller can log it.
   */
  async sendMail(mail: SendMailOptions): Promise<void> {
    if (!this.send) throw new Error('no outbound mail server: set SMTP_URL');
    await this.send(mail);
  }

  /** The DNS lookups sender verification makes; the system resolver unless set. */
  useResolver(resolver: DNSResolver | null): void {
    this.resolver = resolver;
  }

  get canSend(): boolean {
    return this.send !== null;
  }

  // ---------------------------------------------------------------- switching channels

  /**
   * Continues a conversation by email: at `address`, or at the email the visitor gave. The
   * conversation's channel becomes email, every view shows the masked address, and the first
   * email (recap and link) goes out.
   * @example await email.continueByEmail(agentActor, conversationId, 'jane@example.com')
   */
  async continueByEmail(
    actor: Actor,
    conversationId: string,
    address?: string,
  ): Promise<Result<{ conversation: Conversation; thread: EmailThreadView }>> {
    // Access first: a stranger hears "no such conversation" whatever this relay can send.
    const conversation = await this.deps.conversations.get(actor, conversationId);
    if (!conversation) return failure('not_found', 'no such conversation');
    if (!this.canSend) return failure('unavailable', 'email is not set up on this relay');
    const ready = await this.threadFor(conversation, address, actor.kind);
    if (!ready.ok) return ready;
    const { thread } = ready;
    const changed = await this.deps.conversations.setChannel(actor, conversationId, {
      channel: 'email',
      emailTo: maskAddress(thread.address),
      clientMsgId: `email-on-${randomUUID()}`,
      body: `Continuing by email at ${maskAddress(thread.address)}`,
    });
    if (!changed.ok) return changed;
    await this.schedule(conversationId, 'escalation', new Date(), changed.conversation.seq);
    return { ok: true, conversation: changed.conversation, thread: threadView(thread) };
  }

  /** Back to chat: the agent's next reply goes to the widget again. */
  async continueInChat(
    actor: Actor,
    conversationId: string,
  ): Promise<Result<{ conversation: Conversation }>> {
    return this.deps.conversations.setChannel(actor, conversationId, {
      channel: 'chat',
      emailTo: null,
      clientMsgId: `email-off-${randomUUID()}`,
      body: 'Continuing in the chat',
    });
  }

  /** Emails the visible timeline to the visitor, with the reply address so an answer reopens it. */
  async sendTranscript(actor: Actor, conversationId: string, address?: string): Promise<Result> {
    // Access first: a stranger hears "no such conversation" whatever this relay can send.
    const conversation = await this.deps.conversations.get(actor, conversationId);
    if (!conversation) return failure('not_found', 'no such conversation');
    if (!this.canSend) return failure('unavailable', 'email is not set up on this relay');
    const ready = await this.threadFor(conversation, address, actor.kind);
    if (!ready.ok) return ready;
    await this.schedule(conversationId, 'transcript', new Date(), conversation.seq);
    return { ok: true };
  }

  /** The email side of a conversation the actor may see, or null if it never went to email. */
  async thread(actor: Actor, conversationId: string): Promise<EmailThreadView | null> {
    if (!(await this.deps.conversations.get(actor, conversationId))) return null;
    const thread = await this.models.threads.findOne({ conversationId }).lean<EmailThreadDoc>();
    return thread ? threadView(thread) : null;
  }

  /** Where the conversation's email goes: `address`, else the thread's, else the visitor's email. */
  private async addressFor(
    conversation: Conversation,
    address: string | undefined,
  ): Promise<Result<{ to: string; visitor: Visitor | null; existing: EmailThreadDoc | null }>> {
    const visitor = await this.deps.visitors.byId(conversation.visitorId);
    const existing = await this.models.threads
      .findOne({ conversationId: conversation.id })
      .lean<EmailThreadDoc>();
    const parsed = emailAddressSchema.safeParse(address ?? existing?.address ?? visitor?.email ?? '');
    if (!parsed.success) return failure('bad_request', 'the visitor has not given a usable email address');
    const to = parsed.data;
    if (to.endsWith(`@${this.config.inboundDomain.toLowerCase()}`)) {
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
  private async threadFor(
    conversation: Conversation,
    address: string | undefined,
    chosenBy: 'agent' | 'visitor' | 'system' = 'system',
  ): Promise<Result<{ thread: EmailThreadDoc }>> {
    const resolved = await this.addressFor(conversation, address);
    if (!resolved.ok) return resolved;
    const { to, visitor, existing } = resolved;
    const confirmed = chosenBy !== 'visitor';
    if (visitor && visitor.email !== to) await this.deps.visitors.setEmail(visitor.id, to);
    if (existing && existing.address === to) {
      if (chosenBy !== 'agent' || existing.confirmed !== false) return { ok: true, thread: existing };
      await this.models.threads.updateOne({ _id: existing._id }, { $set: { confirmed: true } });
      return { ok: true, thread: { ...existing, confirmed: true } };
    }
    if (existing) {
      // A new reply token also ends the continue links sent to the old address (openLink),
      // and the browser sessions they were exchanged for.
      const thread = await this.models.threads
        .findOneAndUpdate(
          { _id: existing._id },
          { $set: { address: to, replyToken: newReplyToken(), failing: false, confirmed } },
          { returnDocument: 'after' },
        )
        .lean<EmailThreadDoc>();
      await this.deps.visitors.revokeDevices(conversation.visitorId, conversation.id);
      return { ok: true, thread: thread! };
    }
    try {
      const created = await this.models.threads.create({
        conversationId: conversation.id,
        siteId: conversation.siteId,
        visitorId: conversation.visitorId,
        address: to,
        replyToken: newReplyToken(),
        subject: threadSubject((await this.siteName(conversation.siteId)) ?? 'Support', conversation.id),
        confirmed,
      });
      return { ok: true, thread: created.toObject() as EmailThreadDoc };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return this.threadFor(conversation, to, chosenBy);
    }
  }

  /**
   * "Email me instead" from the widget, within its limits: a visitor has mail sent to one address
   * a day and asks at most EMAIL_ME_PER_VISITOR times a day; a site takes EMAIL_ME_PER_SITE an
   * hour. The address is the visitor's word only, so the thread starts unconfirmed.
   */
  async emailMeInstead(
    actor: Extract<Actor, { kind: 'visitor' }>,
    conversationId: string,
    address?: string,
  ): Promise<Result<{ conversation: Conversation; thread: EmailThreadView }>> {
    if (!this.canSend) return failure('unavailable', 'email is not set up on this relay');
    const conversation = await this.deps.conversations.get(actor, conversationId);
    if (!conversation) return failure('not_found', 'no such conversation');
    const resolved = await this.addressFor(conversation, address);
    if (!resolved.ok) return resolved;
    const now = Date.now();
    const asked = await this.models.emailMe
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
    const bySite = await this.models.emailMe.countDocuments({
      siteId: actor.siteId,
      createdAt: trusted({ $gte: new Date(now - HOUR_MS) }),
    });
    if (bySite >= EMAIL_ME_PER_SITE) {
      return failure('rate_limited', 'too many email requests on this site right now, try again later');
    }
    await this.models.emailMe.create({
      visitorId: actor.visitorId,
      siteId: actor.siteId,
      address: resolved.to,
    });
    return this.continueByEmail(actor, conversationId, resolved.to);
  }

  /**
   * Whether a verified continue link still names its conversation's thread (one sent before the
   * thread moved to another address no longer does). Opening a current link shows its address
   * reads its mail: the thread counts as confirmed from then on.
   */
  async openLink(link: ContinueLink): Promise<boolean> {
    const thread = await this.models.threads
      .findOne({ conversationId: link.conversationId }, { replyToken: 1, confirmed: 1 })
      .lean<EmailThreadDoc>();
    if (!thread || threadBinding(thread.replyToken) !== link.thread) return false;
    if (thread.confirmed === false) {
      await this.models.threads.updateOne({ _id: thread._id }, { $set: { confirmed: true } });
    }
    return true;
  }

  private async siteName(siteId: string): Promise<string | null> {
    const site = await this.deps.sites.byId(siteId);
    return site?.name ?? null;
  }

  // ---------------------------------------------------------------- outbound jobs

  /**
   * After each stored message: an agent's reply on an email conversation goes out now; on a chat
   * conversation, if the visitor gave an email, a fallback is set for when it is still unseen.
   */
  async onMessage(message: Message, route: Route): Promise<void> {
    if (message.type === 'event' && message.data?.name === 'resolved') {
      await this.transcriptOnResolve(message, route.siteId);
      return;
    }
    if (!isAgentReply(message)) return;
    // The message carries the channel the conversation had when it was written, and the route its
    // visitor: nothing to read back on this path, which every agent reply takes. (The job checks
    // the channel again when it runs.)
    if (message.channel === 'email') {
      await this.schedule(message.conversationId, 'reply', new Date(), message.seq);
    } else {
      await this.scheduleFallback(message, route.visitorId, false);
    }
    this.settleSoon(message.id);
  }

  /**
   * On a chat, the fallback email for an agent's reply, when the visitor gave a working address.
   * Recovering, the reply may be older than those the pending fallback covers (scheduleCovering).
   */
  private async scheduleFallback(message: Message, visitorId: string, recovering: boolean): Promise<boolean> {
    const visitor = await this.deps.visitors.byId(visitorId);
    if (!visitor?.email || visitor.emailFailing) return true;
    const dueAt = new Date(new Date(message.createdAt).getTime() + this.config.emailFallbackMs);
    if (recovering) return this.scheduleCovering(message.conversationId, 'fallback', message.seq, dueAt);
    await this.schedule(message.conversationId, 'fallback', dueAt, message.seq);
    return true;
  }

  private readonly settling = new Set<string>();
  private settleTimer: NodeJS.Timeout | null = null;

  /** Clears the reply's mark with the others of the next SETTLE_EVERY_MS. */
  private settleSoon(messageId: string): void {
    this.settling.add(messageId);
    this.settleTimer ??= setTimeout(() => {
      this.flushSettled().catch((error) => console.error('parley: email marks not cleared yet', error));
    }, SETTLE_EVERY_MS);
  }

  /** Clears the marks waiting to be cleared now (the workers call it as they stop). */
  async flushSettled(): Promise<void> {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    const ids = [...this.settling];
    this.settling.clear();
    await this.deps.conversations.settle(ids, OWED);
  }

  /**
   * Schedules the emails of agents' replies that were stored but never scheduled (the relay
   * stopped in between): the reply email on an email conversation, the fallback on a chat. Only
   * once they are `emailRecoverAfterMs` old, so the usual path has had its turn; answers how many
   * it dealt with. A relay that stopped after scheduling but before clearing the mark has the
   * reply scheduled again: it may be emailed twice, never not at all.
   */
  async recoverOwed(): Promise<number> {
    const before = new Date(Date.now() - this.config.emailRecoverAfterMs);
    const owed = await this.deps.conversations.owedSince(OWED, before);
    let recovered = 0;
    for (const message of owed) {
      let done: boolean;
      if (message.channel === 'email') {
        done = await this.scheduleCovering(message.conversationId, 'reply', message.seq, new Date());
      } else {
        const conversation = await this.deps.conversations.byId(message.conversationId);
        done = !conversation || (await this.scheduleFallback(message, conversation.visitorId, true));
      }
      if (!done) continue;
      await this.deps.conversations.settle([message.id], OWED);
      recovered++;
    }
    return recovered;
  }

  /**
   * Makes the conversation's pending email of this kind cover `seq`, even when a later reply
   * already started it (its range grows down to `seq`); a new one is due at `dueAt`. False,
   * leaving it for the next pass, while that email is being sent: its range cannot change under
   * the worker.
   */
  private async scheduleCovering(
    conversationId: string,
    kind: 'reply' | 'fallback',
    seq: number,
    dueAt: Date,
  ): Promise<boolean> {
    const now = new Date();
    try {
      await this.models.jobs.updateOne(
        { conversationId, kind, leaseUntil: trusted({ $lte: now }) },
        {
          $setOnInsert: { dueAt, leaseUntil: new Date(0), attempts: 0 },
          $min: { fromSeq: seq },
          $max: { upToSeq: seq },
        },
        { upsert: true },
      );
    } catch (error) {
      // A job under lease matches no filter, so the upsert meets the unique index.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    this.due.emit('due');
    return true;
  }

  /** On resolve, when the site wants it: the transcript to the thread's address or the visitor's email. */
  private async transcriptOnResolve(message: Message, siteId: string): Promise<void> {
    if (!(await this.siteSettings(siteId)).transcriptOnResolve) return;
    const conversation = await this.deps.conversations.byId(message.conversationId);
    if (!conversation) return;
    const ready = await this.threadFor(conversation, undefined);
    if (!ready.ok || ready.thread.failing) return;
    await this.schedule(conversation.id, 'transcript', new Date(), message.seq);
  }

  async siteSettings(siteId: string): Promise<EmailSiteSettings> {
    const doc = await this.models.siteSettings.findOne({ siteId }).lean<EmailSiteSettingsDoc>();
    return { transcriptOnResolve: doc?.transcriptOnResolve ?? false };
  }

  async updateSiteSettings(siteId: string, settings: EmailSiteSettings): Promise<EmailSiteSettings> {
    await this.models.siteSettings.updateOne({ siteId }, { $set: settings }, { upsert: true });
    return this.siteSettings(siteId);
  }

  /**
   * Adds entries up to `seq` to the conversation's pending email of this kind, or creates one due
   * at `dueAt`. Several replies before it is due join the same email.
   */
  private async schedule(conversationId: string, kind: JobKind, dueAt: Date, seq: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.models.jobs.updateOne(
          { conversationId, kind },
          {
            $setOnInsert: { dueAt, fromSeq: seq, leaseUntil: new Date(0), attempts: 0 },
            $max: { upToSeq: seq },
          },
          { upsert: true },
        );
        break;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt > 2) throw error;
      }
    }
    if (dueAt.getTime() <= Date.now()) this.due.emit('due');
  }

  /**
   * Sends every email that is due, one job at a time; answers how many jobs ran. A job that fails
   * is tried again or given up by the outbox policy (shared/outbox.ts); one whose worker died is
   * taken over when its lease runs out.
   */
  async dispatchDue(): Promise<number> {
    const send = this.send;
    if (!send) return 0;
    let ran = 0;
    for (;;) {
      const now = new Date();
      const job = await this.models.jobs
        .findOneAndUpdate(
          // Our own operators: sanitizeFilter would otherwise treat them as values.
          { dueAt: trusted({ $lte: now }), leaseUntil: trusted({ $lte: now }) },
          { $set: { leaseUntil: leaseUntil(now) }, $inc: { attempts: 1 } },
          { sort: { dueAt: 1 }, returnDocument: 'after' },
        )
        .lean<EmailJobDoc>();
      if (!job) return ran;
      ran++;
      try {
        await this.runJob(job, send);
        await this.finish(job);
      } catch (error) {
        const next = nextAttempt(job.attempts, new Date());
        console.error(
          `parley: email ${job.kind} for ${job.conversationId} failed` +
            (next ? ', will retry' : `; given up after ${job.attempts} attempts`),
          error,
        );
        if (next) {
          await this.models.jobs.updateOne(
            { _id: job._id },
            { $set: { leaseUntil: new Date(0), dueAt: next } },
          );
        } else {
          await this.giveUp(job);
        }
      }
    }
  }

  /** A job the outbox policy gave up on: the agents see it on the timeline, and it is done. */
  private async giveUp(job: EmailJobDoc): Promise<void> {
    await this.deps.conversations.append(
      { kind: 'system' },
      {
        conversationId: job.conversationId.toHexString(),
        clientMsgId: emailClientId('email-given-up', `${job._id.toHexString()}:${job.upToSeq}`),
        body: `Not emailed: the mail server refused it ${job.attempts} times`,
        type: 'event',
        visibility: 'agents',
        channel: 'email',
        data: { name: 'email_not_sent', upToSeq: job.upToSeq },
      },
    );
    await this.finish(job);
  }

  /** Done with a job; entries that joined it while it was being sent get a run of their own. */
  private async finish(job: EmailJobDoc): Promise<void> {
    const gone = await this.models.jobs.deleteOne({ _id: job._id, upToSeq: job.upToSeq });
    if (gone.deletedCount > 0) return;
    const delay = job.kind === 'fallback' ? this.config.emailFallbackMs : 0;
    await this.models.jobs.updateOne(
      { _id: job._id },
      {
        $set: {
          fromSeq: job.upToSeq + 1,
          dueAt: new Date(Date.now() + delay),
          leaseUntil: new Date(0),
          attempts: 0,
        },
      },
    );
    if (delay === 0) this.due.emit('due');
  }

  private async runJob(job: EmailJobDoc, send: Sender): Promise<void> {
    const conversationId = job.conversationId.toHexString();
    const conversation = await this.deps.conversations.byId(conversationId);
    if (!conversation) return;
    const visitor = await this.deps.visitors.byId(conversation.visitorId);
    const timeline = visibleReplies(await this.deps.conversations.timeline(conversationId));
    const inRange = (m: Message) => m.seq >= job.fromSeq && m.seq <= job.upToSeq;

    let thread = await this.models.threads.findOne({ conversationId }).lean<EmailThreadDoc>();
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
        const ready = await this.threadFor(conversation, visitor.email);
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
      await this.deps.conversations.append(
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
    const domain = this.config.inboundDomain;
    const visitorName = (!unconfirmed && visitor?.name) || 'You';
    const link = `${this.config.publicUrl}/continue/${signContinueLink(this.config.linkSecret, {
      conversationId,
      visitorId: conversation.visitorId,
      thread: threadBinding(thread.replyToken),
    })}`;
    const agentName = [...messages].reverse().find((m) => m.author.kind === 'agent')?.author.name;
    const siteName = (await this.siteName(conversation.siteId)) ?? 'Support';
    const mail: OutboundEmail = {
      messageId: newMessageId(domain),
      from: { name: agentName ? `${agentName} (${siteName})` : siteName, address: this.config.emailFrom },
      to: { name: unconfirmed ? '' : (visitor?.name ?? ''), address: thread.address },
      replyTo: inboundAddress('reply', thread.replyToken, domain),
      subject: thread.messageIds.length > 0 ? `Re: ${thread.subject}` : thread.subject,
      text: composeText({ opening, messages, earlier, visitorName, link }),
      inReplyTo: thread.messageIds.at(-1) ?? null,
      references: thread.messageIds.slice(-10),
      bounceTo: inboundAddress('bounce', thread.replyToken, domain),
      autoGenerated: job.kind === 'transcript',
    };
    const sent = await this.deliver(
      `${job._id.toHexString()}:${job.fromSeq}:${job.upToSeq}`,
      mail,
      send,
      thread,
    );
    if (event) {
      await this.deps.conversations.append(
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
  private async deliver(
    jobKey: string,
    mail: OutboundEmail,
    send: Sender,
    thread: EmailThreadDoc,
  ): Promise<{ id: string; messageId: string }> {
    let record: EmailDoc;
    try {
      record = (
        await this.models.emails.create({
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
      record = (await this.models.emails.findOne({ jobKey }).lean<EmailDoc>())!;
    }
    const stored = record.outbound as OutboundEmail;
    if (record.disposition !== 'sent') {
      await send(toSendMail(stored, this.config.inboundDomain));
      await this.models.emails.updateOne({ _id: record._id }, { $set: { disposition: 'sent' } });
    }
    await this.remember(thread._id, stored.messageId);
    return { id: record._id.toHexString(), messageId: stored.messageId };
  }

  /** Adds a Message-ID to the thread's chain: the next email answers it. */
  private async remember(threadId: Types.ObjectId, messageId: string): Promise<void> {
    await this.models.threads.updateOne(
      { _id: threadId, messageIds: trusted({ $ne: messageId }) },
      { $push: { messageIds: { $each: [messageId], $slice: -20 } } },
    );
  }

  // ---------------------------------------------------------------- inbound

  /**
   * Whether the inbound SMTP server takes mail for this recipient, asked at RCPT so nothing is
   * received for it otherwise: one of Parley's addresses only if its token names a thread; any
   * other address only when the dev Mailbox catches it.
   */
  async acceptsRecipient(address: string): Promise<boolean> {
    const target = parseInboundAddress(address, this.config.inboundDomain);
    if (!target) return this.config.devMailbox;
    return (await this.models.threads.exists({ replyToken: target.token })) !== null;
  }

  /** Whether a recipient is one of Parley's own addresses (the rest go to the dev Mailbox). */
  isInbound(address: string): boolean {
    return parseInboundAddress(address, this.config.inboundDomain) !== null;
  }

  /**
   * One inbound email, from either door. Replies from the thread's address join the timeline as
   * the visitor's message (new text only, original kept); anything else is held, ignored or, for
   * bounces, marks the address as failing.
   * @example await email.receive(raw, { envelopeFrom: 'jane@example.com', recipients: ['reply+…@parley.localhost'] })
   */
  async receive(
    raw: Buffer,
    envelope: { envelopeFrom: string | null; recipients: string[] | null; ip?: string; helo?: string },
  ): Promise<InboundOutcome> {
    const mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true });
    const messageId =
      mail.messageId?.trim() || `<${createHash('sha256').update(raw).digest('hex')}@parley.invalid>`;
    const recipients = envelope.recipients ?? [
      ...addresses(mail.to),
      ...addresses(mail.cc),
      ...headerAddresses(mail, 'delivered-to'),
      ...headerAddresses(mail, 'x-original-to'),
    ];
    const target = recipients
      .map((r) => parseInboundAddress(r, this.config.inboundDomain))
      .find((t) => t !== null);
    const thread = target
      ? await this.models.threads.findOne({ replyToken: target.token }).lean<EmailThreadDoc>()
      : null;

    const earlier = await this.models.emails.findOne({ direction: 'in', messageId }).lean<EmailDoc>();
    if (earlier) {
      // A redelivery after a crash between storing and adding finishes the job; any other is ignored.
      if (earlier.disposition === 'added' && earlier.seq === null && thread) {
        return this.addToTimeline(earlier, thread);
      }
      return { disposition: 'duplicate', emailId: earlier._id.toHexString() };
    }

    const kind = automated(mail, {
      envelopeFrom: envelope.envelopeFrom,
      inboundDomain: this.config.inboundDomain,
    });
    const from = mail.from?.value.length === 1 ? (mail.from.value[0]!.address ?? '').toLowerCase() : '';
    const base = {
      direction: 'in' as const,
      messageId,
      from,
      to: recipients,
      subject: mail.subject ?? '',
      text: (mail.text ?? '').slice(0, MAX_STORED_TEXT),
      html: mail.html ? safeHtml(mail.html.slice(0, MAX_STORED_TEXT)) : null,
    };
    if (kind) {
      const record = await this.store({
        ...base,
        conversationId: thread?.conversationId ?? null,
        disposition: kind,
      });
      if (!record) return { disposition: 'duplicate', emailId: null };
      if (thread && kind !== 'loop') await this.noteAutomated(kind, thread, messageId);
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
    if (!reason && this.config.emailVerify && !this.fromMailbox(mail, messageId, envelope.ip)) {
      const check = await checkSender(raw, {
        ...(envelope.ip ? { ip: envelope.ip } : {}),
        ...(envelope.helo ? { helo: envelope.helo } : {}),
        envelopeFrom: envelope.envelopeFrom,
        mta: this.config.inboundDomain,
        ...(this.resolver ? { resolver: this.resolver } : {}),
      });
      verification = check.summary;
      if (check.failed) reason = 'failed_verification';
    }
    if (reason || !thread) {
      const siteId = thread?.siteId ?? null;
      if (!(await this.roomToHold(siteId, raw.length))) {
        return { disposition: 'refused', emailId: null, message: 'too much mail is waiting for review' };
      }
      const record = await this.store(
        {
          ...base,
          conversationId: thread?.conversationId ?? null,
          siteId,
          size: raw.length,
          disposition: 'held',
          heldReason: reason,
          verification,
          raw,
        },
        mail,
      );
      if (!record) return { disposition: 'duplicate', emailId: null };
      return { disposition: 'held', emailId: record._id.toHexString(), reason: reason ?? 'unknown_token' };
    }

    const record = await this.store(
      { ...base, conversationId: thread.conversationId, disposition: 'added', verification },
      mail,
    );
    if (!record) return { disposition: 'duplicate', emailId: null };
    return this.addToTimeline(record, thread);
  }

  /** Whether the site may hold one more email of `bytes` (MAX_HELD_PER_SITE, MAX_HELD_BYTES_PER_SITE). */
  private async roomToHold(siteId: Types.ObjectId | null, bytes: number): Promise<boolean> {
    const [usage] = await this.models.emails.aggregate<{ count: number; bytes: number }>([
      { $match: { direction: 'in', disposition: 'held', siteId } },
      { $group: { _id: null, count: { $sum: 1 }, bytes: { $sum: '$size' } } },
    ]);
    if (!usage) return bytes <= MAX_HELD_BYTES_PER_SITE;
    return usage.count < MAX_HELD_PER_SITE && usage.bytes + bytes <= MAX_HELD_BYTES_PER_SITE;
  }

  private mailboxProof(messageId: string): string {
    return createHmac('sha256', this.mailboxKey).update(messageId).digest('base64url');
  }

  /**
   * Whether this message is one of the dev Mailbox's own replies: it came over loopback and
   * carries the proof for its Message-ID, which only this process can make. A copy of a proof
   * seen in a held email is of no use: it only fits a Message-ID that is already taken.
   */
  private fromMailbox(mail: ParsedMail, messageId: string, ip: string | undefined): boolean {
    if (!this.config.devMailbox || !ip || !LOOPBACK.test(ip)) return false;
    const proof = mail.headers.get(MAILBOX_PROOF_HEADER.toLowerCase());
    if (typeof proof !== 'string') return false;
    const given = Buffer.from(proof.trim());
    const expected = Buffer.from(this.mailboxProof(messageId));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Stores an inbound record (and its attachments); null if the same Message-ID got there first. */
  private async store(fields: Record<string, unknown>, mail?: ParsedMail): Promise<EmailDoc | null> {
    const _id = new Types.ObjectId();
    const attachments = (mail?.attachments ?? []).map((a) => ({
      id: new Types.ObjectId(),
      ...safeAttachment(a.filename, a.contentType),
      size: a.size,
      content: a.content,
    }));
    try {
      const record = await this.models.emails.create({
        _id,
        ...fields,
        attachments: attachments.map(({ content: _content, ...ref }) => ref),
      });
      if (attachments.length > 0) {
        await this.models.attachments.insertMany(
          attachments.map(({ id, ...rest }) => ({ _id: id, emailId: _id, ...rest })),
        );
      }
      return record.toObject() as EmailDoc;
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  private async addToTimeline(record: EmailDoc, thread: EmailThreadDoc): Promise<InboundOutcome> {
    const text = newText(record.text);
    const names = record.attachments.map((a) => a.filename);
    const body = text || (names.length > 0 ? `Sent ${names.join(', ')}` : '(empty email)');
    const result = await this.deps.conversations.append(
      { kind: 'visitor', visitorId: thread.visitorId.toHexString(), siteId: thread.siteId.toHexString() },
      {
        conversationId: thread.conversationId.toHexString(),
        clientMsgId: emailClientId('email-in', record.messageId),
        body,
        channel: 'email',
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
      await this.models.threads.updateOne({ _id: thread._id }, { $set: { confirmed: true } });
    }
    await this.models.emails.updateOne({ _id: record._id }, { $set: { seq: result.message.seq } });
    await this.remember(thread._id, record.messageId);
    return {
      disposition: 'added',
      emailId: record._id.toHexString(),
      conversationId: result.message.conversationId,
      seq: result.message.seq,
    };
  }

  /** Tells the agents, without reopening anything: a note-like event only they see. */
  private async noteAutomated(kind: 'bounce' | 'auto_reply', thread: EmailThreadDoc, messageId: string) {
    const masked = maskAddress(thread.address);
    if (kind === 'bounce') {
      await this.models.threads.updateOne({ _id: thread._id }, { $set: { failing: true } });
      await this.deps.visitors.markEmailFailing(thread.visitorId.toHexString(), thread.address);
    }
    await this.deps.conversations.append(
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

  // ---------------------------------------------------------------- reading stored mail

  /** A stored email on a conversation the actor may see. Held mail without one: admins only. */
  async email(actor: Actor, emailId: string): Promise<EmailView | null> {
    const doc = await this.models.emails.findById(emailId).lean<EmailDoc>();
    if (!doc || !(await this.mayRead(actor, doc))) return null;
    return emailView(doc);
  }

  async attachment(
    actor: Actor,
    attachmentId: string,
  ): Promise<{ filename: string; contentType: string; content: Buffer } | null> {
    const attachment = await this.models.attachments.findById(attachmentId).lean();
    if (!attachment) return null;
    const doc = await this.models.emails.findById(attachment.emailId).lean<EmailDoc>();
    if (!doc || !(await this.mayRead(actor, doc))) return null;
    return {
      filename: attachment.filename,
      contentType: attachment.contentType,
      content: Buffer.from(attachment.content.buffer ?? attachment.content),
    };
  }

  private async mayRead(actor: Actor, doc: EmailDoc): Promise<boolean> {
    if (actor.kind !== 'agent') return false;
    if (!doc.conversationId) return actor.siteIds === null;
    return (await this.deps.conversations.get(actor, doc.conversationId.toHexString())) !== null;
  }

  /** Inbound mail waiting for an admin, newest first. */
  async held(limit = 100): Promise<HeldEmailView[]> {
    const docs = await this.models.emails
      .find({ direction: 'in', disposition: 'held' })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<EmailDoc[]>();
    return docs.map((doc) => ({ ...emailView(doc), reason: doc.heldReason ?? 'unknown_token' }));
  }

  /**
   * An admin vouches for a held reply: it joins its conversation's timeline as the visitor's.
   * Only mail that reached a real thread can be released; the rest has nowhere to go.
   */
  async releaseHeld(emailId: string): Promise<Result<{ outcome: InboundOutcome }>> {
    const record = await this.models.emails
      .findOneAndUpdate(
        { _id: emailId, disposition: 'held', conversationId: trusted({ $ne: null }) },
        { $set: { disposition: 'added', heldReason: null } },
        { returnDocument: 'after' },
      )
      .lean<EmailDoc>();
    if (!record) return failure('not_found', 'no held email of a conversation with this id');
    const thread = await this.models.threads
      .findOne({ conversationId: record.conversationId })
      .lean<EmailThreadDoc>();
    if (!thread) return failure('not_found', 'the conversation has no email thread any more');
    return { ok: true, outcome: await this.addToTimeline(record, thread) };
  }

  /** Drops a held email for good. */
  async discardHeld(emailId: string): Promise<boolean> {
    const gone = await this.models.emails.deleteOne({ _id: emailId, disposition: 'held' });
    if (gone.deletedCount > 0) await this.models.attachments.deleteMany({ emailId });
    return gone.deletedCount > 0;
  }

  // ---------------------------------------------------------------- development Mailbox

  /**
   * Keeps an outbound email the built-in server caught (development only), with the site whose
   * thread its Reply-To names, so only that site's agents see it.
   */
  async catchMail(raw: Buffer): Promise<void> {
    const mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true });
    const replyTo = mail.replyTo?.value[0]?.address ?? '';
    const target = parseInboundAddress(replyTo, this.config.inboundDomain);
    const thread = target
      ? await this.models.threads.findOne({ replyToken: target.token }, { siteId: 1 }).lean<EmailThreadDoc>()
      : null;
    await this.models.mailbox.create({
      siteId: thread?.siteId ?? null,
      messageId: mail.messageId ?? '',
      from: mail.from?.text ?? '',
      to: addresses(mail.to),
      replyTo: mail.replyTo?.value[0]?.address ?? null,
      subject: mail.subject ?? '',
      text: mail.text ?? '',
      raw: raw.toString('utf8'),
    });
  }

  /** What the Mailbox shows the actor: the mail of their sites; admins also see mail of no site. */
  private mailboxScope(actor: Actor): Record<string, unknown> | null {
    if (actor.kind !== 'agent') return null;
    return actor.siteIds === null ? {} : { siteId: trusted({ $in: actor.siteIds }) };
  }

  async mailbox(actor: Actor, limit = 100): Promise<MailboxEntry[]> {
    const scope = this.mailboxScope(actor);
    if (!scope) return [];
    const docs = await this.models.mailbox.find(scope).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
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
  async replyAsVisitor(actor: Actor, entryId: string, body: string): Promise<Result<{ messageId: string }>> {
    // Access first: a stranger hears "no such email" whatever this relay can send.
    const scope = this.mailboxScope(actor);
    const entry = scope && (await this.models.mailbox.findOne({ $and: [scope, { _id: entryId }] }).lean());
    if (!entry) return failure('not_found', 'no such email in the Mailbox');
    const send = this.send;
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
      headers: { [MAILBOX_PROOF_HEADER]: this.mailboxProof(messageId) },
      text: `${body}\n\nOn ${entry.createdAt.toUTCString()}, ${entry.from} wrote:\n${quoted}\n`,
    });
    return { ok: true, messageId };
  }
}
