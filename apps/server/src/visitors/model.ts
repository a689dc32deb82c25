// A visitor is one browser (anonymous, known by a server-minted token) or one signed-in shop
// user (known by the site's HMAC-verified user id).
import { type Connection, type InferSchemaType, Schema, type Types } from 'mongoose';

const visitorSchema = new Schema(
  {
    siteId: { type: Schema.Types.ObjectId, required: true },
    /** SHA-256 of the bearer token; the token itself is never stored. */
    tokenHash: { type: String },
    /** SHA-256 of tokens minted for the visitor's other browsers by a "continue in the browser" link. */
    deviceTokenHashes: { type: [String], default: undefined },
    /** Which conversation's link minted each of those tokens, so moving that thread revokes them. */
    deviceLinks: {
      type: [new Schema({ tokenHash: String, conversationId: String }, { _id: false })],
      default: undefined,
    },
    /** SHA-256 of the continue links already exchanged for such a token: each works once. */
    usedLinkHashes: { type: [String], default: undefined },
    userId: { type: String },
    name: { type: String, maxlength: 200 },
    email: { type: String, maxlength: 320 },
    /** Set when the site signed `email` with the user id (see SiteService.verifyIdentity); any other address clears it. */
    emailVerified: { type: Boolean, default: false },
    /** Set when mail to `email` bounced; cleared when the visitor gives an address again. */
    emailFailing: { type: Boolean, default: false },
    lastSeenAt: { type: Date },
    /** Where the visitor is now and with what browser, as the widget last reported it. */
    context: {
      url: String,
      title: String,
      referrer: String,
      language: String,
      timeZone: String,
      userAgent: String,
      screen: { width: Number, height: Number },
    },
    /** The pages viewed, newest last, capped (see VisitorService.recordContext). */
    pages: {
      type: [new Schema({ url: String, title: String, at: Date, viewId: String }, { _id: false })],
      default: [],
    },
    /** Values the site passed with setAttributes (cart value, plan...). */
    attributes: { type: Schema.Types.Mixed, default: () => ({}) },
    /** Custom pre-chat answers by field key. */
    fields: { type: Schema.Types.Mixed, default: () => ({}) },
    consentAt: { type: Date, default: null },
  },
  { timestamps: true },
);
visitorSchema.index(
  { tokenHash: 1 },
  { unique: true, partialFilterExpression: { tokenHash: { $type: 'string' } } },
);
visitorSchema.index({ deviceTokenHashes: 1 }, { sparse: true });
visitorSchema.index(
  { siteId: 1, userId: 1 },
  { unique: true, partialFilterExpression: { userId: { $type: 'string' } } },
);

export type VisitorDoc = InferSchemaType<typeof visitorSchema> & { _id: Types.ObjectId };

const buildVisitor = (connection: Connection) => connection.model('Visitor', visitorSchema);

export function visitorModel(connection: Connection): ReturnType<typeof buildVisitor> {
  return (
    (connection.models.Visitor as ReturnType<typeof buildVisitor> | undefined) ?? buildVisitor(connection)
  );
}
