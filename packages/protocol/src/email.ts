// Types of the email channel's HTTP API: escalating a conversation to email, the inbound mail
// held for review, and the development Mailbox that catches outbound mail.

/** Why an inbound email was not added to a timeline. */
export type HeldReason = 'unknown_token' | 'sender_mismatch' | 'no_token' | 'failed_verification';

/** `POST /api/email/conversations/:id/escalate`: continue by email, at the visitor's address or this one. */
export interface EscalatePayload {
  /** Defaults to the email the visitor gave (pre-chat form or identity). */
  address?: string;
}

/** `POST /api/email/conversations/:id/transcript`: email the timeline so far to the visitor. */
export interface TranscriptPayload {
  /** Defaults to the conversation's email address, then the visitor's. */
  address?: string;
}

/** The email side of a conversation as the console shows it. */
export interface EmailThreadView {
  conversationId: string;
  /** The visitor's address, masked for display: `j***@example.com`. */
  maskedAddress: string;
  address: string;
  /** True once a bounce said mail to this address does not arrive. */
  failing: boolean;
}

export interface EmailAttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** One stored email, inbound or outbound: the original beside what the timeline shows. */
export interface EmailView {
  id: string;
  direction: 'in' | 'out';
  conversationId: string | null;
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  /** The whole text, quoted history and signature included. */
  text: string;
  /** Sanitised HTML (no scripts, handlers or remote images), or null. Show it in a sandboxed frame. */
  html: string | null;
  attachments: EmailAttachmentView[];
  createdAt: string;
}

/** Inbound mail that was not added to a timeline, for an admin to review. */
export interface HeldEmailView extends EmailView {
  reason: HeldReason;
}

/** `POST /api/email/mailbox/:id/reply`: answer a caught email as if the visitor did, over SMTP. */
export interface MailboxReplyPayload {
  body: string;
}

/** One email caught by the development Mailbox. */
export interface MailboxEntry {
  id: string;
  messageId: string;
  from: string;
  to: string[];
  replyTo: string | null;
  subject: string;
  text: string;
  /** The whole message as it went over SMTP, headers included. */
  raw: string;
  receivedAt: string;
}

/** A site's email settings: `GET`/`PUT /api/email/sites/:siteId/settings` (admins). */
export interface EmailSiteSettings {
  /** Email the transcript to the visitor (when they gave an address) each time a conversation is resolved. */
  transcriptOnResolve: boolean;
}
