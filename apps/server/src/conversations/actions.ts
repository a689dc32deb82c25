// What agents do to a conversation: assign, transfer, prioritise, tag, snooze, resolve, reopen.
// Each is one atomic update whose filter holds its precondition, so of two agents acting at once
// exactly one wins and the other is told what happened; each change is an event on the timeline.
import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationAction, Message, Result } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { type Collection, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Agent, AgentService } from '../agents/service';
import { canSeeSite } from '../agents/service';
import { agentGuard, narrow } from './access';
import { type ConversationDoc, conversationModel } from './model';
import type { Actor, ConversationService } from './service';
import { toConversation } from './wire';

const MAX_TAGS = 20;

/** Fields the message writer remembers of a conversation (see MessageWriter.forget). */
const REMEMBERED = new Set(['status', 'channel', 'waitingSince', 'firstResponseAt']);

interface Change {
  /** The precondition, beyond "this conversation, on a site the agent may see". */
  when: Record<string, unknown>;
  update: { $set?: Record<string, unknown> } & Record<string, unknown>;
  /** The timeline entry that records the change; null: nothing changed, nothing to record. */
  entry: (after: Conversation) => Promise<EventEntry | null> | EventEntry | null;
  /** Why the precondition failed, from the conversation as it is now. */
  refusal: (now: Conversation) => Promise<string> | string;
  /** The precondition failing means "already so": answer ok with no event. */
  idempotent?: boolean;
}

interface EventEntry {
  body: string;
  data: { name: string } & Record<string, unknown>;
  visibility: 'all' | 'agents';
}

export function agentActor(agent: Agent): Actor & { kind: 'agent' } {
  return { kind: 'agent', agentId: agent.id, name: agent.name, siteIds: agent.siteIds };
}

export class ConversationActions {
  private readonly collection: Collection<ConversationDoc>;

  constructor(
    connection: Connection,
    private readonly conversations: ConversationService,
    private readonly agents: AgentService,
  ) {
    this.collection = conversationModel(connection).collection as unknown as Collection<ConversationDoc>;
  }

  /**
   * Applies one action for an agent; `conflict` when another agent changed the conversation first.
   * @example await actions.apply(agent, id, { action: 'assign', assigneeId: agent.id, from: null })
   */
  async apply(
    agent: Agent,
    conversationId: string,
    action: ConversationAction,
  ): Promise<Result<{ conversation: Conversation }>> {
    const guard = agentGuard(agent);
    const current = await this.collection.findOne(narrow(guard, { _id: new ObjectId(conversationId) }));
    if (!current) return failure('not_found', 'no such conversation');
    const change = await this.plan(agent, toConversation(current), action);
    if (!change.ok) return change;
    return this.commit(agentActor(agent), conversationId, guard, change.change);
  }

  /** A private note on the timeline; agents named as `@Name` are listed in `data.mentions`. */
  async note(
    agent: Agent,
    input: { conversationId: string; clientMsgId: string; body: string },
  ): Promise<Result<{ message: Message }>> {
    const mentions = mentionedAgents(input.body, await this.agents.list(agent));
    const result = await this.conversations.append(agentActor(agent), {
      ...input,
      type: 'note',
      visibility: 'agents',
      ...(mentions.length > 0 ? { data: { name: 'mentioned', agentIds: mentions } } : {}),
    });
    return result.ok ? { ok: true, message: result.message } : result;
  }

  /** Gives an unassigned open conversation to `assigneeId` (automatic routing); null if someone was quicker. */
  async autoAssign(
    conversationId: string,
    assignee: { id: string; name: string },
  ): Promise<Conversation | null> {
    const result = await this.commit(
      { kind: 'system' },
      conversationId,
      {},
      {
        when: { assigneeId: null, status: 'open' },
        update: { $set: { assigneeId: new ObjectId(assignee.id) } },
        entry: () => ({
          body: `Assigned to ${assignee.name} automatically`,
          data: { name: 'assigned', assigneeId: assignee.id, by: null, automatic: true },
          visibility: 'agents',
        }),
        refusal: () => 'already assigned',
      },
    );
    return result.ok ? result.conversation : null;
  }

  /** Brings back every snoozed conversation whose time has come; answers how many woke. */
  async wakeSnoozed(now = new Date()): Promise<number> {
    let woken = 0;
    for (;;) {
      const due = await this.collection.findOne({ status: 'snoozed', snoozedUntil: { $lte: now } });
      if (!due) return woken;
      const result = await this.commit(
        { kind: 'system' },
        due._id.toHexString(),
        {},
        {
          when: { status: 'snoozed', snoozedUntil: { $lte: now } },
          update: { $set: { status: 'open', snoozedUntil: null } },
          entry: () => ({ body: 'Snooze ended', data: { name: 'unsnoozed' }, visibility: 'agents' }),
          refusal: () => 'woken already',
        },
      );
      if (result.ok) woken++;
    }
  }

  private async commit(
    actor: Actor | { kind: 'system' },
    conversationId: string,
    guard: Record<string, unknown>,
    change: Change,
  ): Promise<Result<{ conversation: Conversation }>> {
    const _id = new ObjectId(conversationId);
    const updated = await this.collection.findOneAndUpdate(
      narrow(guard, { ...change.when, _id }),
      { ...change.update, $currentDate: { updatedAt: true } },
      { returnDocument: 'after' },
    );
    if (!updated) {
      const now = await this.collection.findOne(narrow(guard, { _id }));
      if (!now) return failure('not_found', 'no such conversation');
      if (change.idempotent) return { ok: true, conversation: toConversation(now) };
      return failure('conflict', await change.refusal(toConversation(now)));
    }
    // The message writer remembers a conversation's status (and what follows from it).
    if (Object.keys(change.update.$set ?? {}).some((field) => REMEMBERED.has(field))) {
      this.conversations.forget(conversationId);
    }
    const conversation = toConversation(updated);
    const entry = await change.entry(conversation);
    if (entry) {
      const written = await this.conversations.append(actor, {
        conversationId,
        clientMsgId: `event-${randomUUID()}`,
        body: entry.body,
        type: 'event',
        visibility: entry.visibility,
        data: entry.data,
      });
      if (!written.ok) return written;
      conversation.seq = Math.max(conversation.seq, written.message.seq);
    }
    this.conversations.events.emit('conversation', conversation);
    return { ok: true, conversation };
  }

  private async nameOf(agentId: string | null): Promise<string> {
    if (!agentId) return 'nobody';
    return (await this.agents.byId(agentId))?.name ?? 'a former agent';
  }

  /** An agent who can take conversations of this site, or why not. */
  private async assignable(assigneeId: string, siteId: string): Promise<Result<{ name: string }>> {
    const assignee = await this.agents.byId(assigneeId);
    if (!assignee?.active) return failure('bad_request', 'no such active agent');
    if (!canSeeSite(assignee, siteId)) {
      return failure('bad_request', `${assignee.name} has no access to this site`);
    }
    return { ok: true, name: assignee.name };
  }

  private async plan(
    agent: Agent,
    current: Conversation,
    action: ConversationAction,
  ): Promise<Result<{ change: Change }>> {
    const me = agent.name;
    const assigneeChanged = async (now: Conversation) =>
      now.assigneeId === null
        ? 'someone unassigned this conversation a moment ago'
        : `${await this.nameOf(now.assigneeId)} has this conversation now`;
    const ok = (change: Change): Result<{ change: Change }> => ({ ok: true, change });
    const from = (id: string | null) => ({ assigneeId: id ? new ObjectId(id) : null });

    switch (action.action) {
      case 'assign': {
        const target = await this.assignable(action.assigneeId, current.siteId);
        if (!target.ok) return target;
        const self = action.assigneeId === agent.id;
        return ok({
          when: from(action.from),
          update: { $set: { assigneeId: new ObjectId(action.assigneeId) } },
          entry: () => ({
            body: self ? `${me} took this conversation` : `${me} assigned this to ${target.name}`,
            data: { name: 'assigned', assigneeId: action.assigneeId, by: agent.id },
            visibility: 'agents',
          }),
          refusal: assigneeChanged,
        });
      }
      case 'unassign':
        return ok({
          when: from(action.from),
          update: { $set: { assigneeId: null } },
          entry: () => ({
            body: `${me} unassigned this conversation`,
            data: { name: 'unassigned', by: agent.id, previousId: action.from },
            visibility: 'agents',
          }),
          refusal: assigneeChanged,
        });
      case 'transfer': {
        const note = action.note;
        if ('agentId' in action.to) {
          const toId = action.to.agentId;
          const target = await this.assignable(toId, current.siteId);
          if (!target.ok) return target;
          return ok({
            when: from(action.from),
            update: { $set: { assigneeId: new ObjectId(toId) } },
            entry: () => ({
              body: `${me} transferred this to ${target.name}: ${note}`,
              data: { name: 'transferred', by: agent.id, toAgentId: toId, toTeamId: null, note },
              visibility: 'agents',
            }),
            refusal: assigneeChanged,
          });
        }
        const teamId = action.to.teamId;
        const team = (await this.agents.listTeams(agent)).find((t) => t.id === teamId);
        if (!team) return failure('bad_request', 'no such team');
        return ok({
          when: from(action.from),
          update: { $set: { assigneeId: null, teamId: new ObjectId(teamId) } },
          entry: () => ({
            body: `${me} transferred this to the ${team.name} team: ${note}`,
            data: { name: 'transferred', by: agent.id, toAgentId: null, toTeamId: teamId, note },
            visibility: 'agents',
          }),
          refusal: assigneeChanged,
        });
      }
      case 'priority':
        return ok({
          when: { priority: { $ne: action.priority } },
          update: { $set: { priority: action.priority } },
          entry: () => ({
            body: `${me} set priority to ${action.priority}`,
            data: {
              name: 'priority_changed',
              priority: action.priority,
              previous: current.priority,
              by: agent.id,
            },
            visibility: 'agents',
          }),
          refusal: () => '',
          idempotent: true,
        });
      case 'tag':
        return ok({
          when: { tags: { $ne: action.tag }, [`tags.${MAX_TAGS - 1}`]: { $exists: false } },
          update: { $push: { tags: action.tag } },
          entry: () => ({
            body: `${me} tagged this "${action.tag}"`,
            data: { name: 'tagged', tag: action.tag, by: agent.id },
            visibility: 'agents',
          }),
          refusal: (now) =>
            now.tags.includes(action.tag) ? '' : `a conversation has at most ${MAX_TAGS} tags`,
          idempotent: current.tags.includes(action.tag),
        });
      case 'untag':
        return ok({
          when: { tags: action.tag },
          update: { $pull: { tags: action.tag } },
          entry: () => ({
            body: `${me} removed the tag "${action.tag}"`,
            data: { name: 'untagged', tag: action.tag, by: agent.id },
            visibility: 'agents',
          }),
          refusal: () => '',
          idempotent: true,
        });
      case 'snooze':
        return ok({
          when: { status: { $in: ['open', 'pending'] } },
          update: { $set: { status: 'snoozed', snoozedUntil: new Date(action.until) } },
          entry: () => ({
            body: `${me} snoozed this until ${action.until}`,
            data: { name: 'snoozed', until: action.until, by: agent.id },
            visibility: 'agents',
          }),
          refusal: (now) => `this conversation is ${now.status} already`,
        });
      case 'resolve':
        return ok({
          when: { status: { $ne: 'resolved' } },
          update: {
            $set: { status: 'resolved', resolvedAt: new Date(), snoozedUntil: null, waitingSince: null },
          },
          entry: () => ({
            body: `${me} resolved this conversation`,
            data: { name: 'resolved', by: agent.id },
            visibility: 'all',
          }),
          refusal: () => 'this conversation was resolved already',
        });
      case 'reopen':
        return ok({
          when: { status: { $in: ['resolved', 'snoozed'] } },
          update: { $set: { status: 'open', resolvedAt: null, snoozedUntil: null } },
          entry: () => ({
            body: `${me} reopened this conversation`,
            data: { name: 'reopened', by: agent.id },
            visibility: 'all',
          }),
          refusal: () => 'this conversation is open already',
        });
    }
  }
}

/** Agents named in a note as `@Name` (full name, case-insensitive), for mention notifications. */
function mentionedAgents(body: string, agents: { id: string; name: string }[]): string[] {
  const lower = body.toLowerCase();
  return agents.filter((a) => lower.includes(`@${a.name.toLowerCase()}`)).map((a) => a.id);
}
