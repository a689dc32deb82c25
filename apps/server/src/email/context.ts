// What the parts of EmailService share: the models, the configuration, the domains the channel
// reads and writes, and the state the workers set (the outbound sender, the DNS resolver).
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { SiteRedaction } from '@parley/protocol';
import type { DNSResolver } from 'mailauth';
import type { Connection } from 'mongoose';
import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config';
import type { ConversationService } from '../conversations/service';
import type { SiteService } from '../sites/service';
import type { VisitorService } from '../visitors/service';
import { type EmailModels, emailModels } from './model';

export type Sender = (mail: SendMailOptions) => Promise<unknown>;

export interface EmailDeps {
  conversations: ConversationService;
  visitors: VisitorService;
  sites: SiteService;
  /** What a site masks in mail besides card numbers (sites/admin.ts). */
  redaction: (siteId: string) => Promise<SiteRedaction>;
}

/** The marks on agents' replies the outbox still owes (outbox.ts). */
export interface OwedMarks {
  /** Whether replies are being marked at all (oweReplies). */
  owing: boolean;
  /** Replies dealt with whose marks the next bulk write clears. */
  settling: Set<string>;
  settleTimer: NodeJS.Timeout | null;
}

export interface EmailContext {
  readonly models: EmailModels;
  readonly config: Config;
  readonly deps: EmailDeps;
  /** Says a job may be due now, so the worker need not wait for its next tick. */
  readonly due: EventEmitter<{ due: [] }>;
  /** Where outbound mail goes; set by the workers once SMTP is ready, null while it is not. */
  send: Sender | null;
  /** The DNS lookups sender verification makes; the system resolver unless set. */
  resolver: DNSResolver | null;
  /** Signs the dev Mailbox's replies (MAILBOX_PROOF_HEADER); never leaves this process. */
  readonly mailboxKey: Buffer;
  readonly owed: OwedMarks;
}

export function emailContext(connection: Connection, config: Config, deps: EmailDeps): EmailContext {
  return {
    models: emailModels(connection),
    config,
    deps,
    due: new EventEmitter<{ due: [] }>(),
    send: null,
    resolver: null,
    mailboxKey: randomBytes(32),
    owed: { owing: false, settling: new Set(), settleTimer: null },
  };
}

export const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;
