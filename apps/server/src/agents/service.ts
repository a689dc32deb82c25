// Agents: accounts (passwords, invites, sessions, API tokens), roles and site access, teams,
// and presence. Signing out, a password change or deactivation is announced on `events` so
// realtime can close that agent's live sockets. Who can take a chat now is answered here, once,
// for routing and for the widget alike.

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AgentProfile, AgentRole, Presence, Team } from '@parley/protocol';
import { failure, type Result } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { type Connection, trusted } from 'mongoose';
import { hashToken } from '../shared/tokens';
import { type AgentDoc, agentModel, sessionModel, type TeamDoc, teamModel } from './model';
import { hashPassword, verifyPassword } from './passwords';

/** An agent as the relay authorises it: the console's profile without presence and status. */
export type Agent = Omit<AgentProfile, 'presence' | 'active' | 'invited'>;

/** Which of these agents have a console connected, on any relay. */
export type ConnectedAmong = (agentIds: string[]) => Promise<Set<string>>;

export interface AgentEventMap {
  /** The agent's sessions ended (sign-out, password change, deactivation): close its sockets. */
  'signed-out': [agentId: string];
  /** The agent set themselves away or back: whether their sites' visitors can be answered may change. */
  presence: [agent: Pick<Agent, 'id' | 'siteIds'>];
}

function toAgent(doc: AgentDoc): Agent {
  return {
    id: doc._id.toHexString(),
    email: doc.email,
    name: doc.name,
    role: doc.role,
    siteIds: doc.role === 'admin' ? null : doc.siteIds.map((id) => id.toHexString()),
    teamIds: (doc.teamIds ?? []).map((id) => id.toHexString()),
  };
}

function toProfile(doc: AgentDoc): AgentProfile {
  return {
    ...toAgent(doc),
    presence: doc.presence ?? 'offline',
    active: doc.active,
    invited: !doc.passwordHash,
  };
}

const toTeam = (doc: TeamDoc): Team => ({ id: doc._id.toHexString(), name: doc.name });
const newToken = () => randomBytes(24).toString('base64url');
const INVITE_TTL_MS = 7 * 24 * 3600_000;
// Verifying against this when the email is unknown keeps the answer time the same.
const DECOY_HASH = hashPassword(newToken());

export class AgentService {
  private readonly model;
  private readonly sessions;
  private readonly teams;
  readonly events = new EventEmitter<AgentEventMap>();
  /** Until realtime answers it, nobody has a console open. */
  private connectedAmong: ConnectedAmong = async () => new Set();

  constructor(
    connection: Connection,
    private readonly options: { sessionTtlMs: number } = { sessionTtlMs: 12 * 3600_000 },
  ) {
    this.model = agentModel(connection);
    this.sessions = sessionModel(connection);
    this.teams = teamModel(connection);
  }

  /** Creates an agent with an API token (and a password, when given); only hashes are kept. */
  async create(input: {
    email: string;
    name: string;
    role: AgentRole;
    siteIds?: string[];
    password?: string;
  }): Promise<{ agent: Agent; token: string }> {
    const token = newToken();
    const { password, ...fields } = input;
    const doc = await this.model.create({
      ...fields,
      apiTokenHash: hashToken(token),
      ...(password ? { passwordHash: await hashPassword(password) } : {}),
    });
    return { agent: toAgent(doc.toObject() as AgentDoc), token };
  }

  async byToken(token: string): Promise<Agent | null> {
    const doc = await this.model.findOne({ apiTokenHash: hashToken(token), active: true }).lean<AgentDoc>();
    return doc ? toAgent(doc) : null;
  }

  async byId(agentId: string): Promise<AgentProfile | null> {
    const doc = await this.model.findById(agentId).lean<AgentDoc>();
    return doc ? toProfile(doc) : null;
  }

  async count(): Promise<number> {
    return this.model.estimatedDocumentCount();
  }

  /**
   * The agents `viewer` works with, for the agent list and the assignee pickers: every agent for
   * an admin; for anyone else those who reach one of its sites (admins reach all), each showing
   * only the sites it shares with the viewer.
   */
  async list(viewer: Pick<Agent, 'siteIds'>): Promise<AgentProfile[]> {
    const mine = viewer.siteIds;
    const filter: Record<string, unknown> =
      mine === null
        ? {}
        : { $or: [{ role: 'admin' }, { siteIds: trusted({ $in: mine.map((id) => new ObjectId(id)) }) }] };
    const docs = await this.model.find(filter).sort({ name: 1 }).lean<AgentDoc[]>();
    return docs.map((doc) => {
      const profile = toProfile(doc);
      if (mine === null || profile.siteIds === null) return profile;
      return { ...profile, siteIds: profile.siteIds.filter((id) => mine.includes(id)) };
    });
  }

  /** Checks email and password; answers a new session token, or null with no hint which was wrong. */
  async signIn(email: string, password: string): Promise<{ agent: Agent; session: string } | null> {
    const doc = await this.model.findOne({ email, active: true }).lean<AgentDoc>();
    const valid = await verifyPassword(password, doc?.passwordHash ?? (await DECOY_HASH));
    if (!doc?.passwordHash || !valid) return null;
    return { agent: toAgent(doc), session: await this.openSession(doc._id) };
  }

  private async openSession(agentId: ObjectId): Promise<string> {
    const session = newToken();
    await this.sessions.create({
      tokenHash: hashToken(session),
      agentId,
      expiresAt: new Date(Date.now() + this.options.sessionTtlMs),
    });
    return session;
  }

  /** The active agent a session cookie belongs to, if the session has not expired. */
  async bySession(session: string): Promise<Agent | null> {
    const found = await this.sessions
      .findOne({ tokenHash: hashToken(session), expiresAt: trusted({ $gt: new Date() }) })
      .lean();
    if (!found) return null;
    const doc = await this.model.findOne({ _id: found.agentId, active: true }).lean<AgentDoc>();
    return doc ? toAgent(doc) : null;
  }

  /** Ends one session and closes the agent's live sockets. */
  async signOut(session: string): Promise<void> {
    const found = await this.sessions.findOneAndDelete({ tokenHash: hashToken(session) }).lean();
    if (!found) return;
    // Signed out everywhere: nobody is there to take new conversations.
    if ((await this.sessions.countDocuments({ agentId: found.agentId })) === 0) {
      await this.setPresence(found.agentId.toHexString(), 'offline');
    }
    this.events.emit('signed-out', found.agentId.toHexString());
  }

  /** Changes the password, ends every session and socket of the agent, and opens a fresh session. */
  async changePassword(agentId: string, current: string, next: string): Promise<Result<{ session: string }>> {
    const doc = await this.model.findById(agentId).lean<AgentDoc>();
    if (!doc?.passwordHash || !(await verifyPassword(current, doc.passwordHash))) {
      return failure('forbidden', 'the current password is not right');
    }
    await this.model.updateOne({ _id: doc._id }, { $set: { passwordHash: await hashPassword(next) } });
    await this.endSessions(doc._id);
    return { ok: true, session: await this.openSession(doc._id) };
  }

  private async endSessions(agentId: ObjectId): Promise<void> {
    await this.sessions.deleteMany({ agentId });
    this.events.emit('signed-out', agentId.toHexString());
  }

  /** Creates an agent who signs in after choosing a password with the invite token. */
  async invite(input: {
    email: string;
    name: string;
    role: AgentRole;
    siteIds: string[];
    teamIds: string[];
  }): Promise<Result<{ agent: AgentProfile; inviteToken: string }>> {
    const inviteToken = newToken();
    try {
      const doc = await this.model.create({
        ...input,
        inviteTokenHash: hashToken(inviteToken),
        inviteExpiresAt: new Date(Date.now() + INVITE_TTL_MS),
      });
      return { ok: true, agent: toProfile(doc.toObject() as AgentDoc), inviteToken };
    } catch (error) {
      if ((error as { code?: number }).code === 11000) {
        return failure('conflict', `${input.email} already has an account`);
      }
      throw error;
    }
  }

  /** Sets the invited agent's password (once: the token is spent) and opens a session. */
  async acceptInvite(
    inviteToken: string,
    password: string,
  ): Promise<Result<{ agent: Agent; session: string }>> {
    const doc = await this.model
      .findOneAndUpdate(
        {
          inviteTokenHash: hashToken(inviteToken),
          inviteExpiresAt: trusted({ $gt: new Date() }),
          active: true,
        },
        {
          $set: { passwordHash: await hashPassword(password) },
          $unset: { inviteTokenHash: 1, inviteExpiresAt: 1 },
        },
        { returnDocument: 'after' },
      )
      .lean<AgentDoc>();
    if (!doc) return failure('not_found', 'this invite was used already, has expired or was withdrawn');
    return { ok: true, agent: toAgent(doc), session: await this.openSession(doc._id) };
  }

  /** An admin's change to an agent; deactivating ends its sessions and sockets. */
  async update(
    agentId: string,
    changes: { name?: string; role?: AgentRole; siteIds?: string[]; teamIds?: string[]; active?: boolean },
  ): Promise<AgentProfile | null> {
    const set = changes.active === false ? { ...changes, presence: 'offline' } : changes;
    const doc = await this.model
      .findByIdAndUpdate(agentId, { $set: set }, { returnDocument: 'after', runValidators: true })
      .lean<AgentDoc>();
    if (!doc) return null;
    if (changes.active === false) await this.endSessions(doc._id);
    return toProfile(doc);
  }

  async setPresence(agentId: string, presence: Presence): Promise<AgentProfile | null> {
    const doc = await this.model
      .findByIdAndUpdate(agentId, { $set: { presence } }, { returnDocument: 'after' })
      .lean<AgentDoc>();
    if (!doc) return null;
    const profile = toProfile(doc);
    this.events.emit('presence', profile);
    return profile;
  }

  /** Realtime tells the service how to learn which agents have a console connected (see available). */
  answerConnections(connectedAmong: ConnectedAmong): void {
    this.connectedAmong = connectedAmong;
  }

  /**
   * Agents who can take a new conversation of the site now: active, presence online (not away or
   * offline), a console connected on some relay, with access to the site and, when a team is
   * named, in it. Each with its capacity and when it last got one. Routing assigns among them and
   * the widget says someone is there when there is one.
   */
  async available(
    siteId: string,
    teamId: string | null,
  ): Promise<{ id: string; name: string; capacity: number; lastAssignedAt: Date | null }[]> {
    const filter: Record<string, unknown> = {
      active: true,
      presence: 'online',
      $or: [{ role: 'admin' }, { siteIds: new ObjectId(siteId) }],
    };
    if (teamId) filter.teamIds = new ObjectId(teamId);
    const docs = await this.model.find(filter).lean<AgentDoc[]>();
    if (docs.length === 0) return [];
    const connected = await this.connectedAmong(docs.map((doc) => doc._id.toHexString()));
    return docs
      .filter((doc) => connected.has(doc._id.toHexString()))
      .map((doc) => ({
        id: doc._id.toHexString(),
        name: doc.name,
        capacity: doc.capacity ?? 8,
        lastAssignedAt: doc.lastAssignedAt ?? null,
      }));
  }

  /** Which of these agents answer the site: active, and an admin or one of its agents. */
  async answering(siteId: string, agentIds: string[]): Promise<Set<string>> {
    const docs = await this.model
      .find(
        {
          _id: trusted({ $in: agentIds.map((id) => new ObjectId(id)) }),
          active: true,
          $or: [{ role: 'admin' }, { siteIds: new ObjectId(siteId) }],
        },
        { _id: 1 },
      )
      .lean<{ _id: ObjectId }[]>();
    return new Set(docs.map((doc) => doc._id.toHexString()));
  }

  /** Whether anyone can take a new conversation of the site now (see available). */
  async canAnswer(siteId: string): Promise<boolean> {
    return (await this.available(siteId, null)).length > 0;
  }

  async markAssigned(agentId: string): Promise<void> {
    await this.model.updateOne({ _id: new ObjectId(agentId) }, { $set: { lastAssignedAt: new Date() } });
  }

  /**
   * The teams `viewer` may see and transfer to: every team for an admin; for anyone else its own
   * teams and those with a member on one of its sites. Admins work on every site, so being in a
   * team does not tie that team to a site.
   */
  async listTeams(viewer: Pick<Agent, 'siteIds' | 'teamIds'>): Promise<Team[]> {
    let filter: Record<string, unknown> = {};
    if (viewer.siteIds !== null) {
      const shared = await this.model.distinct('teamIds', {
        role: 'agent',
        siteIds: trusted({ $in: viewer.siteIds.map((id) => new ObjectId(id)) }),
      });
      const ids = [...shared, ...viewer.teamIds.map((id) => new ObjectId(id))];
      filter = { _id: trusted({ $in: ids }) };
    }
    const docs = await this.teams.find(filter).sort({ name: 1 }).lean<TeamDoc[]>();
    return docs.map(toTeam);
  }

  async createTeam(name: string): Promise<Result<{ team: Team }>> {
    try {
      const doc = await this.teams.create({ name });
      return { ok: true, team: toTeam(doc.toObject() as TeamDoc) };
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return failure('conflict', `a team "${name}" exists`);
      throw error;
    }
  }

  /** Removes a team and takes its agents out of it. */
  async deleteTeam(teamId: string): Promise<boolean> {
    const id = new ObjectId(teamId);
    const deleted = await this.teams.deleteOne({ _id: id });
    if (deleted.deletedCount === 0) return false;
    await this.model.updateMany({ teamIds: id }, { $pull: { teamIds: id } });
    return true;
  }

  async syncIndexes(): Promise<void> {
    await Promise.all([this.model.syncIndexes(), this.sessions.syncIndexes(), this.teams.syncIndexes()]);
  }
}

export function canSeeSite(agent: Agent, siteId: string): boolean {
  return agent.siteIds === null || agent.siteIds.includes(siteId);
}
