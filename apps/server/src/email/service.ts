// The email channel: escalating a conversation to email, the emails that go out (replies,
// unseen-reply fallbacks, transcripts) as durable jobs, and the inbound path both doors share.
// This facade wires the flows, each a module of its own, over one shared EmailContext.
import type { EventEmitter } from 'node:events';
import type {
  Conversation,
  EmailSiteSettings,
  EmailThreadView,
  EmailView,
  HeldEmailView,
  MailboxEntry,
  Message,
  Result,
} from '@parley/protocol';
import type { DNSResolver } from 'mailauth';
import type { Connection } from 'mongoose';
import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config';
import type { Actor, Route } from '../conversations/service';
import { continueByEmail, continueInChat, emailMeInstead, sendTranscript } from './channel';
import { type EmailContext, type EmailDeps, emailContext, type Sender } from './context';
import { catchMail, mailbox, replyAsVisitor, withSiteMark } from './dev-mailbox';
import { discardHeld, held, releaseHeld } from './held';
import { acceptsRecipient, type InboundOutcome, isInbound, receive } from './inbound';
import {
  dispatchDue,
  flushSettled,
  onMessage,
  oweReplies,
  recoverOwed,
  siteSettings,
  updateSiteSettings,
} from './outbox';
import type { ContinueLink } from './signatures';
import { attachment, email, openLink, thread } from './threads';

export class EmailService {
  private readonly ctx: EmailContext;
  /** Says a job may be due now, so the worker need not wait for its next tick. */
  readonly due: EventEmitter<{ due: [] }>;
  /** The port the built-in SMTP server listens on, once the workers started it. */
  inboundPort: number | null = null;

  constructor(connection: Connection, config: Config, deps: EmailDeps) {
    this.ctx = emailContext(connection, config, deps);
    this.due = this.ctx.due;
  }

  // Sending at all, set up by the workers (workers.ts)

  oweReplies(): void {
    oweReplies(this.ctx);
  }

  async syncIndexes(): Promise<void> {
    await Promise.all(Object.values(this.ctx.models).map((model) => model.syncIndexes()));
  }

  /** Where outbound mail goes; set by the workers once SMTP is ready, null while it is not. */
  useSender(send: Sender | null): void {
    this.ctx.send = send;
  }

  /**
   * Sends one message through the channel's outbound path, for other domains' mail (meeting
   * invites) about a conversation of `siteId`. Throws when no outbound server is configured, so
   * the caller can log it.
   */
  async sendMail(mail: SendMailOptions, siteId: string): Promise<void> {
    if (!this.ctx.send) throw new Error('no outbound mail server: set SMTP_URL');
    await this.ctx.send(withSiteMark(this.ctx, mail, siteId));
  }

  /** The DNS lookups sender verification makes; the system resolver unless set. */
  useResolver(resolver: DNSResolver | null): void {
    this.ctx.resolver = resolver;
  }

  get canSend(): boolean {
    return this.ctx.send !== null;
  }

  // Switching channels (channel.ts)

  continueByEmail(
    actor: Actor,
    conversationId: string,
    address?: string,
  ): Promise<Result<{ conversation: Conversation; thread: EmailThreadView }>> {
    return continueByEmail(this.ctx, actor, conversationId, address);
  }

  continueInChat(actor: Actor, conversationId: string): Promise<Result<{ conversation: Conversation }>> {
    return continueInChat(this.ctx, actor, conversationId);
  }

  sendTranscript(actor: Actor, conversationId: string, address?: string): Promise<Result> {
    return sendTranscript(this.ctx, actor, conversationId, address);
  }

  emailMeInstead(
    actor: Extract<Actor, { kind: 'visitor' }>,
    conversationId: string,
    address?: string,
  ): Promise<Result<{ conversation: Conversation; thread: EmailThreadView }>> {
    return emailMeInstead(this.ctx, actor, conversationId, address);
  }

  // A conversation's thread and its stored mail (threads.ts)

  thread(actor: Actor, conversationId: string): Promise<EmailThreadView | null> {
    return thread(this.ctx, actor, conversationId);
  }

  openLink(link: ContinueLink): Promise<boolean> {
    return openLink(this.ctx, link);
  }

  email(actor: Actor, emailId: string): Promise<EmailView | null> {
    return email(this.ctx, actor, emailId);
  }

  attachment(
    actor: Actor,
    attachmentId: string,
  ): Promise<{ filename: string; contentType: string; content: Buffer } | null> {
    return attachment(this.ctx, actor, attachmentId);
  }

  // Outbound jobs (outbox.ts, outbound.ts; run by workers.ts)

  onMessage(message: Message, route: Route): Promise<void> {
    return onMessage(this.ctx, message, route);
  }

  flushSettled(): Promise<void> {
    return flushSettled(this.ctx);
  }

  recoverOwed(): Promise<number> {
    return recoverOwed(this.ctx);
  }

  dispatchDue(): Promise<number> {
    return dispatchDue(this.ctx);
  }

  siteSettings(siteId: string): Promise<EmailSiteSettings> {
    return siteSettings(this.ctx, siteId);
  }

  updateSiteSettings(siteId: string, settings: EmailSiteSettings): Promise<EmailSiteSettings> {
    return updateSiteSettings(this.ctx, siteId, settings);
  }

  // Inbound mail (inbound.ts) and what is held of it (held.ts)

  acceptsRecipient(address: string): Promise<boolean> {
    return acceptsRecipient(this.ctx, address);
  }

  isInbound(address: string): boolean {
    return isInbound(this.ctx, address);
  }

  receive(
    raw: Buffer,
    envelope: { envelopeFrom: string | null; recipients: string[] | null; ip?: string; helo?: string },
  ): Promise<InboundOutcome> {
    return receive(this.ctx, raw, envelope);
  }

  held(limit?: number): Promise<HeldEmailView[]> {
    return held(this.ctx, limit);
  }

  releaseHeld(emailId: string): Promise<Result<{ outcome: InboundOutcome }>> {
    return releaseHeld(this.ctx, emailId);
  }

  discardHeld(emailId: string): Promise<boolean> {
    return discardHeld(this.ctx, emailId);
  }

  // The development Mailbox (dev-mailbox.ts)

  catchMail(raw: Buffer): Promise<void> {
    return catchMail(this.ctx, raw);
  }

  mailbox(actor: Actor, limit?: number): Promise<MailboxEntry[]> {
    return mailbox(this.ctx, actor, limit);
  }

  replyAsVisitor(actor: Actor, entryId: string, body: string): Promise<Result<{ messageId: string }>> {
    return replyAsVisitor(this.ctx, actor, entryId, body);
  }
}
