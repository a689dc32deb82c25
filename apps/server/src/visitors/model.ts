// A visitor is one browser (anonymous, known by a server-minted token) or one signed-in shop
// user (known by the site's HMAC-verified user id).
import { type Connection, type InferSchemaType, Schema, type Types } from 'mongoose';

const visitorSchema = new Schema(
  {
    siteId: { type: Schema.Types.ObjectId, required: true },
    /** SHA-256 of the bearer token; the token itself is never stored. */
    tokenHash: { type: String },
    userId: { type: String },
    name: { type: String, maxlength: 200 },
    email: { type: String, maxlength: 320 },
    lastSeenAt: { type: Date },
  },
  { timestamps: true },
);
visitorSchema.index(
  { tokenHash: 1 },
  { unique: true, partialFilterExpression: { tokenHash: { $type: 'string' } } },
);
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
