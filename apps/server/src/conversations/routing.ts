// Automatic assignment for sites set to "balanced": a waiting conversation goes to the online
// agent (of its team, if it has one) with the fewest open conversations, under each agent's
// capacity; ties go to whoever was assigned least recently. Manual sites are left alone.
import type { Conversation, Message } from '@parley/protocol';
import { type Collection, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import type { AgentService } from '../agents/service';
import type { SiteAdmin } from '../sites/admin';
import type { ConversationActions } from './actions';
import { type ConversationDoc, conversationModel } from './model';
import type { ConversationService } from './service';
import { toConversation } from './wire';

export class Routing {
  private readonly collection: Collection<ConversationDoc>;
  /** Routing started by events and not finished yet. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    connection: Connection,
    private readonly agents: AgentService,
    private readonly sites: SiteAdmin,
    private readonly actions: ConversationActions,
  ) {
    this.collection = conversationModel(connection).collection as unknown as Collection<ConversationDoc>;
  }

  /**
   * Routes on every visitor message to an unassigned conversation (new ones and reopened ones),
   * and when a conversation is handed to a team without an agent.
   */
  listen(conversations: ConversationService): void {
    // Most sites assign by hand: the site's (cached) mode is checked before the conversation is read.
    const route = (siteId: string, conversationId: string) => {
      const task: Promise<unknown> = this.assignment(siteId)
        .then((assignment) => (assignment === 'balanced' ? this.route(conversationId) : null))
        .catch((error) => console.error('parley: routing failed', error))
        .finally(() => this.running.delete(task));
      this.running.add(task);
    };
    conversations.events.on('message', (message: Message, { siteId }) => {
      if (message.author.kind === 'visitor' && message.type === 'message')
        void route(siteId, message.conversationId);
    });
    conversations.events.on('conversation', (conversation) => {
      if (conversation.teamId && conversation.assigneeId === null && conversation.status === 'open') {
        void route(conversation.siteId, conversation.id);
      }
    });
  }

  /** Resolves once the routing started so far has finished: before the relay closes its database. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private async assignment(siteId: string): Promise<string> {
    return (await this.sites.routing(siteId)).assignment;
  }

  /** Assigns the conversation, of a site that routes automatically, if it is open and unassigned. */
  private async route(conversationId: string): Promise<Conversation | null> {
    const doc = await this.collection.findOne({
      _id: new ObjectId(conversationId),
      assigneeId: null,
      status: 'open',
    });
    if (!doc) return null;
    const conversation = toConversation(doc);
    const candidates = await this.agents.available(conversation.siteId, conversation.teamId ?? null);
    if (candidates.length === 0) return null;
    const loads = await this.collection
      .aggregate<{ _id: ObjectId; open: number }>([
        {
          $match: {
            assigneeId: { $in: candidates.map((c) => new ObjectId(c.id)) },
            status: { $in: ['open', 'pending'] },
          },
        },
        { $group: { _id: '$assigneeId', open: { $sum: 1 } } },
      ])
      .toArray();
    const load = new Map(loads.map((l) => [l._id.toHexString(), l.open]));
    const pick = pickBalanced(candidates.map((c) => ({ ...c, open: load.get(c.id) ?? 0 })));
    if (!pick) return null;
    const assigned = await this.actions.autoAssign(conversationId, pick);
    if (assigned) await this.agents.markAssigned(pick.id);
    return assigned;
  }
}

/** Fewest open first, under capacity; ties to the one assigned least recently (never first). */
export function pickBalanced<T extends { open: number; capacity: number; lastAssignedAt: Date | null }>(
  candidates: T[],
): T | null {
  const time = (c: T) => c.lastAssignedAt?.getTime() ?? 0;
  const eligible = candidates.filter((c) => c.open < c.capacity);
  eligible.sort((a, b) => a.open - b.open || time(a) - time(b));
  return eligible[0] ?? null;
}
