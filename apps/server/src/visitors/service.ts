// Visitors: minting and checking bearer tokens, and finding signed-in users by their user id.
import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { type VisitorDoc, visitorModel } from './model';

export interface Visitor {
  id: string;
  siteId: string;
  userId: string | null;
  name: string | null;
  email: string | null;
}

function toVisitor(doc: VisitorDoc): Visitor {
  return {
    id: doc._id.toHexString(),
    siteId: doc.siteId.toHexString(),
    userId: doc.userId ?? null,
    name: doc.name ?? null,
    email: doc.email ?? null,
  };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class VisitorService {
  private readonly model;

  constructor(connection: Connection) {
    this.model = visitorModel(connection);
  }

  /** A new anonymous visitor and the token that will identify it from now on. */
  async mint(siteId: string): Promise<{ visitor: Visitor; token: string }> {
    const token = randomBytes(24).toString('base64url');
    const doc = await this.model.create({ siteId, tokenHash: hashToken(token), lastSeenAt: new Date() });
    return { visitor: toVisitor(doc.toObject() as VisitorDoc), token };
  }

  /** The visitor a token belongs to, only if it belongs to this site. */
  async byToken(siteId: string, token: string): Promise<Visitor | null> {
    const doc = await this.model
      .findOneAndUpdate(
        { tokenHash: hashToken(token), siteId },
        { $set: { lastSeenAt: new Date() } },
        { new: true },
      )
      .lean<VisitorDoc>();
    return doc ? toVisitor(doc) : null;
  }

  /** The visitor record of a verified shop user, created on first sight. */
  async identified(
    siteId: string,
    userId: string,
    profile: { name?: string | undefined; email?: string | undefined },
  ): Promise<Visitor> {
    const set: Record<string, unknown> = { lastSeenAt: new Date() };
    if (profile.name) set.name = profile.name;
    if (profile.email) set.email = profile.email;
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.model
          .findOneAndUpdate({ siteId, userId }, { $set: set }, { upsert: true, new: true })
          .lean<VisitorDoc>();
        if (!doc) throw new Error('upsert returned no visitor');
        return toVisitor(doc);
      } catch (error) {
        // Two first connections at once: the unique index lets one insert, the other retries.
        if ((error as { code?: number }).code !== 11000 || attempt > 2) throw error;
      }
    }
  }
}
