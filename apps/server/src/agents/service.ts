// Agents: creation, API-token authentication, and which sites an agent may see.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { hashToken } from '../visitors/service';
import { type AgentDoc, agentModel } from './model';

export interface Agent {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent';
  /** null: every site (admins). */
  siteIds: string[] | null;
}

function toAgent(doc: AgentDoc): Agent {
  return {
    id: doc._id.toHexString(),
    email: doc.email,
    name: doc.name,
    role: doc.role,
    siteIds: doc.role === 'admin' ? null : doc.siteIds.map((id) => id.toHexString()),
  };
}

export class AgentService {
  private readonly model;

  constructor(connection: Connection) {
    this.model = agentModel(connection);
  }

  /** Creates an agent and answers the API token it signs in with; only the token's hash is kept. */
  async create(input: {
    email: string;
    name: string;
    role: 'admin' | 'agent';
    siteIds?: string[];
  }): Promise<{ agent: Agent; token: string }> {
    const token = randomBytes(24).toString('base64url');
    const doc = await this.model.create({ ...input, apiTokenHash: hashToken(token) });
    return { agent: toAgent(doc.toObject() as AgentDoc), token };
  }

  async byToken(token: string): Promise<Agent | null> {
    const doc = await this.model.findOne({ apiTokenHash: hashToken(token), active: true }).lean<AgentDoc>();
    return doc ? toAgent(doc) : null;
  }

  async count(): Promise<number> {
    return this.model.estimatedDocumentCount();
  }
}

export function canSeeSite(agent: Agent, siteId: string): boolean {
  return agent.siteIds === null || agent.siteIds.includes(siteId);
}
