// What the email channel stores: a thread per escalated conversation (its reply token, bound to
// the conversation and the address expected to answer), every email sent or received (Message-ID
// for threading and dedupe), their attachments, the emails waiting to go out, and the development
// Mailbox (each caught email tied to its site).
import { type Connection, type InferSchemaType, Schema, type Types } from 'mongoose';

const threadSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true, unique: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: Schema.Types.ObjectId, required: true },
    /** The only sender whose replies are added to the timeline. */
    address: { type: String, required: true },
    /** Random, in the reply address `reply+<token>@<inbound domain>`. */
    replyToken: { type: String, required: true, unique: true },
    subject: { type: String, required: true },
    /** Message-IDs of the thread, oldest first, for `References`; the last one is `In-Reply-To`. */
    messageIds: { type: [String], default: [] },
    /** A bounce said mail to `address` does not arrive. */
    failing: { type: Boolean, default: false },
    /**
     * Someone at `address` showed they read it (a reply from it, or its continue link opened), or
     * an agent chose it. Until then mail to it carries no word the visitor wrote: a visitor's
     * "Email me instead" must not let anyone mail their own text to a stranger in the shop's name.
     */
    confirmed: { type: Boolean, default: true },
  },
  { timestamps: true },
);

const attachmentRefSchema = new Schema(
  {
    id: { type: Schema.Types.ObjectId, required: true },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
  },
  { _id: false },
);

const emailSchema = new Schema(
  {
    direction: { type: String, enum: ['in', 'out'], required: true },
    conversationId: { type: Schema.Types.ObjectId, default: null },
    /** Inbound held mail: the site of its thread (null: no thread), for the per-site cap. */
    siteId: { type: Schema.Types.ObjectId, default: null },
    /** Inbound held mail: bytes of the original, for the per-site cap. */
    size: { type: Number, default: 0 },
    messageId: { type: String, required: true },
    from: { type: String, default: '' },
    to: { type: [String], default: [] },
    subject: { type: String, default: '' },
    text: { type: String, default: '' },
    /** Sanitised on the way in; never the original markup. */
    html: { type: String, default: null },
    attachments: { type: [attachmentRefSchema], default: [] },
    /**
     * Inbound: what became of it. `added` joined the timeline (at `seq`), `held` waits for an
     * admin, `auto_reply`, `bounce` and `loop` were recognised and left out.
     */
    disposition: {
      type: String,
      enum: ['added', 'held', 'auto_reply', 'bounce', 'loop', 'sending', 'sent'],
      required: true,
    },
    heldReason: {
      type: String,
      enum: ['unknown_token', 'sender_mismatch', 'no_token', 'failed_verification', null],
      default: null,
    },
    /** Inbound: the DMARC verdict, as for an Authentication-Results header. */
    verification: { type: String, default: null },
    seq: { type: Number, default: null },
    /**
     * Held mail keeps its original bytes so an admin can see exactly what came in, unless
     * something in it was masked (email/redaction.ts): then the original is not kept.
     */
    raw: { type: Buffer, default: null },
    /** Inbound: what was masked in it before it was stored (card, iban, national_id). */
    redacted: { type: [String], default: undefined },
    /** Outbound: the job and run that produced it, so a retried run resends the same email. */
    jobKey: { type: String, default: null },
    /** Outbound: the mail as handed to SMTP, so a retry sends the very same message. */
    outbound: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
// A duplicate delivery of the same email finds the first one here.
emailSchema.index({ direction: 1, messageId: 1 }, { unique: true });
emailSchema.index({ jobKey: 1 }, { unique: true, partialFilterExpression: { jobKey: { $type: 'string' } } });
emailSchema.index({ disposition: 1, createdAt: -1 });
emailSchema.index({ disposition: 1, siteId: 1 });
emailSchema.index({ conversationId: 1, createdAt: 1 });

const attachmentSchema = new Schema({
  emailId: { type: Schema.Types.ObjectId, required: true, index: true },
  filename: { type: String, required: true },
  contentType: { type: String, required: true },
  size: { type: Number, required: true },
  content: { type: Buffer, required: true },
});

const jobSchema = new Schema({
  conversationId: { type: Schema.Types.ObjectId, required: true },
  /**
   * `escalation`: the first email of a thread; `reply`: agent replies on an email conversation;
   * `fallback`: chat replies the visitor has not seen; `transcript`: the whole timeline.
   */
  kind: { type: String, enum: ['escalation', 'reply', 'fallback', 'transcript'], required: true },
  dueAt: { type: Date, required: true },
  /** The timeline entries this email covers. */
  fromSeq: { type: Number, required: true },
  upToSeq: { type: Number, required: true },
  /** A worker that claimed the job owns it until then; a crashed worker's claim runs out. */
  leaseUntil: { type: Date, default: () => new Date(0) },
  attempts: { type: Number, default: 0 },
});
// One pending email of each kind per conversation: several replies join the same one.
jobSchema.index({ conversationId: 1, kind: 1 }, { unique: true });
jobSchema.index({ dueAt: 1 });

/** Each "Email me instead" a visitor asked for, kept a day, for its limits per visitor and per site. */
const emailMeSchema = new Schema({
  visitorId: { type: Schema.Types.ObjectId, required: true },
  siteId: { type: Schema.Types.ObjectId, required: true },
  address: { type: String, required: true },
  createdAt: { type: Date, default: () => new Date(), expires: 24 * 60 * 60 },
});
emailMeSchema.index({ visitorId: 1, createdAt: -1 });
emailMeSchema.index({ siteId: 1, createdAt: -1 });

const siteSettingsSchema = new Schema({
  siteId: { type: Schema.Types.ObjectId, required: true, unique: true },
  transcriptOnResolve: { type: Boolean, default: false },
});

const mailboxSchema = new Schema(
  {
    /** The site of the thread the mail belongs to; null (meeting mail, anything else): admins only. */
    siteId: { type: Schema.Types.ObjectId, default: null },
    messageId: { type: String, required: true },
    from: { type: String, default: '' },
    to: { type: [String], default: [] },
    replyTo: { type: String, default: null },
    subject: { type: String, default: '' },
    text: { type: String, default: '' },
    raw: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
mailboxSchema.index({ createdAt: -1 });
mailboxSchema.index({ siteId: 1, createdAt: -1 });

export type EmailThreadDoc = InferSchemaType<typeof threadSchema> & { _id: Types.ObjectId };
export type EmailDoc = InferSchemaType<typeof emailSchema> & { _id: Types.ObjectId; createdAt: Date };
export type EmailJobDoc = InferSchemaType<typeof jobSchema> & { _id: Types.ObjectId };
export type EmailSiteSettingsDoc = InferSchemaType<typeof siteSettingsSchema>;

const build = (connection: Connection) => ({
  threads: connection.model('EmailThread', threadSchema),
  emails: connection.model('Email', emailSchema),
  attachments: connection.model('EmailAttachment', attachmentSchema),
  jobs: connection.model('EmailJob', jobSchema),
  mailbox: connection.model('MailboxEntry', mailboxSchema),
  siteSettings: connection.model('EmailSiteSettings', siteSettingsSchema),
  emailMe: connection.model('EmailMeRequest', emailMeSchema),
});

export type EmailModels = ReturnType<typeof build>;

export function emailModels(connection: Connection): EmailModels {
  const { models } = connection;
  if (models.EmailThread) {
    return {
      threads: models.EmailThread,
      emails: models.Email,
      attachments: models.EmailAttachment,
      jobs: models.EmailJob,
      mailbox: models.MailboxEntry,
      siteSettings: models.EmailSiteSettings,
      emailMe: models.EmailMeRequest,
    } as EmailModels;
  }
  return build(connection);
}
