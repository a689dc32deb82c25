// A conversation and its timeline. `seq` on the conversation is the timeline's counter, taken
// with an atomic $inc; each message keeps the seq it was given and the client's id for it.
import type { ConversationStatus } from '@parley/protocol';
import { type Connection, type InferSchemaType, Schema, type Types } from 'mongoose';

const conversationSchema = new Schema(
  {
    siteId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: Schema.Types.ObjectId, required: true },
    /** The client's key for the start request, so a retried start finds the same conversation. */
    startKey: { type: String, required: true },
    status: { type: String, enum: ['open', 'pending', 'snoozed', 'resolved'], default: 'open' },
    channel: { type: String, enum: ['chat', 'email'], default: 'chat' },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    priority: { type: String, enum: ['none', 'low', 'medium', 'high', 'urgent'], default: 'none' },
    tags: { type: [String], default: [] },
    seq: { type: Number, default: 0 },
    visitorSeenSeq: { type: Number, default: 0 },
    agentSeenSeq: { type: Number, default: 0 },
    lastMessageAt: { type: Date, default: null },
    firstResponseAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    /** The masked address email replies go to while the channel is email. */
    emailTo: { type: String, default: null },
    teamId: { type: Schema.Types.ObjectId, default: null },
    snoozedUntil: { type: Date, default: null },
    /** Set by the visitor's first unanswered message, cleared by an agent's reply. */
    waitingSince: { type: Date, default: null },
    /** The visitor's satisfaction rating of a resolved conversation; see rating.ts. */
    rating: {
      type: new Schema(
        { score: { type: Number, min: 1, max: 5 }, comment: { type: String, default: null }, ratedAt: Date },
        { _id: false },
      ),
      default: null,
    },
  },
  { timestamps: true },
);
conversationSchema.index({ visitorId: 1, startKey: 1 }, { unique: true });
conversationSchema.index({ visitorId: 1, createdAt: -1 });
conversationSchema.index({ siteId: 1, status: 1, lastMessageAt: -1 });
conversationSchema.index({ assigneeId: 1, status: 1 });
conversationSchema.index({ status: 1, snoozedUntil: 1 });

const messageSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    /**
     * The conversation's site, copied by the writer so transcript search can keep to the sites
     * an agent may see in the text query itself. Entries stored before it was kept have none.
     */
    siteId: { type: Schema.Types.ObjectId },
    seq: { type: Number, required: true },
    clientMsgId: { type: String, required: true },
    author: {
      type: new Schema(
        {
          kind: { type: String, enum: ['visitor', 'agent', 'system'], required: true },
          id: { type: String, required: true },
          name: { type: String },
        },
        { _id: false },
      ),
      required: true,
    },
    type: { type: String, enum: ['message', 'note', 'event'], default: 'message' },
    visibility: { type: String, enum: ['all', 'agents'], default: 'all' },
    channel: { type: String, enum: ['chat', 'email'], default: 'chat' },
    body: { type: String, default: '' },
    data: { type: Schema.Types.Mixed },
    /** What was masked in `body` before it was stored (card, iban, national_id). */
    redacted: { type: [String], default: undefined },
    /**
     * What other domains still owe this message (for now 'email': an agent's reply on an email
     * conversation, until its email is scheduled). Stored with the message, so a relay that
     * stops right after the write leaves a mark for another to pick up; see MessageWriter.owe.
     */
    pending: { type: [String], default: undefined },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
// A retry carries the same client id: this unique index turns it into a lookup of the stored
// message. Client id first, so a batch's retry check is one seek per message.
messageSchema.index({ clientMsgId: 1, conversationId: 1 }, { unique: true });
// Replay reads a timeline from a seq onwards.
messageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });
// The console's transcript search.
messageSchema.index({ body: 'text' });
// Messages something is still owed for; only those are in it, and only until it is settled
// (settling removes the field). $exists, not $type: only then does `{ pending: name }` use it.
messageSchema.index(
  { pending: 1, createdAt: 1 },
  { partialFilterExpression: { pending: { $exists: true } } },
);

export type ConversationDoc = InferSchemaType<typeof conversationSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  /**
   * What agents' inboxes were last told of the conversation (Inbox.announce): how many
   * announcements there were, and the status and assignee the last one placed it by (null: in
   * no view yet). Set when a conversation starts; absent on those from before announcements.
   */
  inbox?: { revision: number; status: ConversationStatus | null; assigneeId: Types.ObjectId | null };
};
export type MessageDoc = InferSchemaType<typeof messageSchema> & { _id: Types.ObjectId; createdAt: Date };

const buildConversation = (connection: Connection) => connection.model('Conversation', conversationSchema);

export function conversationModel(connection: Connection): ReturnType<typeof buildConversation> {
  return (
    (connection.models.Conversation as ReturnType<typeof buildConversation> | undefined) ??
    buildConversation(connection)
  );
}

const buildMessage = (connection: Connection) => connection.model('Message', messageSchema);

export function messageModel(connection: Connection): ReturnType<typeof buildMessage> {
  return (
    (connection.models.Message as ReturnType<typeof buildMessage> | undefined) ?? buildMessage(connection)
  );
}
