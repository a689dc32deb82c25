// An agent answers conversations of the sites it has access to (admins: every site).
import { type Connection, type InferSchemaType, Schema, type Types } from 'mongoose';

const agentSchema = new Schema(
  {
    email: { type: String, required: true, unique: true, lowercase: true, maxlength: 320 },
    name: { type: String, required: true, maxlength: 200 },
    role: { type: String, enum: ['admin', 'agent'], default: 'agent' },
    siteIds: { type: [Schema.Types.ObjectId], default: [] },
    /** SHA-256 of the agent's API token. */
    apiTokenHash: { type: String },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
agentSchema.index(
  { apiTokenHash: 1 },
  { unique: true, partialFilterExpression: { apiTokenHash: { $type: 'string' } } },
);

export type AgentDoc = InferSchemaType<typeof agentSchema> & { _id: Types.ObjectId };

const buildAgent = (connection: Connection) => connection.model('Agent', agentSchema);

export function agentModel(connection: Connection): ReturnType<typeof buildAgent> {
  return (connection.models.Agent as ReturnType<typeof buildAgent> | undefined) ?? buildAgent(connection);
}
