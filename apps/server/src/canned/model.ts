// A canned response: a reply an agent inserts by typing `/shortcut`. Shared ones (no owner)
// belong to everyone; personal ones to their owner only.
import { type Connection, type InferSchemaType, Schema, type Types } from 'mongoose';

const cannedSchema = new Schema(
  {
    shortcut: { type: String, required: true, maxlength: 32 },
    body: { type: String, required: true, maxlength: 4000 },
    ownerId: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true },
);
// One shortcut per owner (and one shared one): `/refund` always means one thing to an agent.
cannedSchema.index({ ownerId: 1, shortcut: 1 }, { unique: true });

export type CannedDoc = InferSchemaType<typeof cannedSchema> & { _id: Types.ObjectId };

const buildCanned = (connection: Connection) => connection.model('CannedResponse', cannedSchema);

export function cannedModel(connection: Connection): ReturnType<typeof buildCanned> {
  return (
    (connection.models.CannedResponse as ReturnType<typeof buildCanned> | undefined) ??
    buildCanned(connection)
  );
}
