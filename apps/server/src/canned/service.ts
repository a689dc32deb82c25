// Canned responses: the shared set plus each agent's own. Admins manage the shared ones.
import type { CannedResponse, Result } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { type Connection, trusted } from 'mongoose';
import type { Agent } from '../agents/service';
import { type CannedDoc, cannedModel } from './model';

function toCanned(doc: CannedDoc): CannedResponse {
  return {
    id: doc._id.toHexString(),
    shortcut: doc.shortcut,
    body: doc.body,
    ownerId: doc.ownerId ? doc.ownerId.toHexString() : null,
  };
}

export class CannedService {
  private readonly model;

  constructor(connection: Connection) {
    this.model = cannedModel(connection);
  }

  /** What an agent can insert: shared responses and its own, by shortcut. */
  async forAgent(agent: Agent): Promise<CannedResponse[]> {
    const docs = await this.model
      .find({ ownerId: trusted({ $in: [null, new ObjectId(agent.id)] }) })
      .sort({ shortcut: 1 })
      .lean<CannedDoc[]>();
    return docs.map(toCanned);
  }

  async create(
    agent: Agent,
    input: { shortcut: string; body: string; shared: boolean },
  ): Promise<Result<{ canned: CannedResponse }>> {
    if (input.shared && agent.role !== 'admin')
      return failure('forbidden', 'only admins add shared responses');
    try {
      const doc = await this.model.create({
        shortcut: input.shortcut,
        body: input.body,
        ownerId: input.shared ? null : new ObjectId(agent.id),
      });
      return { ok: true, canned: toCanned(doc.toObject() as CannedDoc) };
    } catch (error) {
      if ((error as { code?: number }).code === 11000) {
        return failure('conflict', `/${input.shortcut} exists already`);
      }
      throw error;
    }
  }

  /** Deletes a response its owner (or, for a shared one, an admin) no longer wants. */
  async remove(agent: Agent, id: string): Promise<Result> {
    const doc = await this.model.findById(id).lean<CannedDoc>();
    if (!doc) return failure('not_found', 'no such canned response');
    const mine = doc.ownerId?.toHexString() === agent.id;
    if (!mine && !(doc.ownerId === null && agent.role === 'admin')) {
      return failure('forbidden', 'this canned response is not yours to delete');
    }
    await this.model.deleteOne({ _id: doc._id });
    return { ok: true };
  }

  async syncIndexes(): Promise<void> {
    await this.model.syncIndexes();
  }
}
