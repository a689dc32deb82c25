// An agent answers conversations of the sites it has access to (admins: every site). A session
// is one signed-in browser: only the hash of its cookie is stored, and a TTL index expires it.
import { type Connection, type InferSchemaType, Schema, type Types } from 'mongoose';

const agentSchema = new Schema(
  {
    email: { type: String, required: true, unique: true, lowercase: true, maxlength: 320 },
    name: { type: String, required: true, maxlength: 200 },
    role: { type: String, enum: ['admin', 'agent'], default: 'agent' },
    siteIds: { type: [Schema.Types.ObjectId], default: [] },
    teamIds: { type: [Schema.Types.ObjectId], default: [] },
    /** SHA-256 of the agent's API token. */
    apiTokenHash: { type: String },
    /** `scrypt$N$r$p$salt$hash`, see passwords.ts. */
    passwordHash: { type: String },
    /** SHA-256 of a pending invite's token; cleared when the invite is accepted. */
    inviteTokenHash: { type: String },
    inviteExpiresAt: { type: Date },
    active: { type: Boolean, default: true },
    presence: { type: String, enum: ['online', 'away', 'offline'], default: 'offline' },
    /** Most open conversations automatic assignment gives this agent. */
    capacity: { type: Number, default: 8 },
    /** Breaks ties in balanced assignment: who waited longest for a conversation gets it. */
    lastAssignedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
agentSchema.index(
  { apiTokenHash: 1 },
  { unique: true, partialFilterExpression: { apiTokenHash: { $type: 'string' } } },
);
agentSchema.index(
  { inviteTokenHash: 1 },
  { unique: true, partialFilterExpression: { inviteTokenHash: { $type: 'string' } } },
);

export type AgentDoc = InferSchemaType<typeof agentSchema> & { _id: Types.ObjectId };

const buildAgent = (connection: Connection) => connection.model('Agent', agentSchema);

export function agentModel(connection: Connection): ReturnType<typeof buildAgent> {
  return (connection.models.Agent as ReturnType<typeof buildAgent> | undefined) ?? buildAgent(connection);
}

const sessionSchema = new Schema({
  /** SHA-256 of the cookie value. */
  tokenHash: { type: String, required: true, unique: true },
  agentId: { type: Schema.Types.ObjectId, required: true, index: true },
  expiresAt: { type: Date, required: true },
  createdAt: { type: Date, default: () => new Date() },
});
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const buildSession = (connection: Connection) => connection.model('AgentSession', sessionSchema);

export function sessionModel(connection: Connection): ReturnType<typeof buildSession> {
  return (
    (connection.models.AgentSession as ReturnType<typeof buildSession> | undefined) ??
    buildSession(connection)
  );
}

const teamSchema = new Schema(
  { name: { type: String, required: true, unique: true, maxlength: 200 } },
  { timestamps: true },
);

export type TeamDoc = InferSchemaType<typeof teamSchema> & { _id: Types.ObjectId };

const buildTeam = (connection: Connection) => connection.model('Team', teamSchema);

export function teamModel(connection: Connection): ReturnType<typeof buildTeam> {
  return (connection.models.Team as ReturnType<typeof buildTeam> | undefined) ?? buildTeam(connection);
}
