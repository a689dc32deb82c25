// The console's inbox: views (unassigned, mine, open, snoozed, resolved) with live counts,
// filters, two sorts, and full-text search over transcripts that shows the matching message.
import type { InboxChange, InboxCounts, InboxItem, InboxQuery, InboxView, Message } from '@parley/protocol';
import { INBOX_VIEWS } from '@parley/protocol';
import { type Collection, type Document, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Agent } from '../agents/service';
import type { VisitorService } from '../visitors/service';
import { agentGuard, narrow } from './access';
import { type ConversationDoc, conversationModel, type MessageDoc, messageModel } from './model';
import { toConversation } from './wire';

const PAGE = 100;
/** Text hits read per conversation asked for: several hits often fall in one conversation. */
const HITS_PER_RESULT = 3;

function viewFilter(view: InboxView, agent: Agent): Record<string, unknown> {
  switch (view) {
    case 'unassigned':
      return { status: 'open', assigneeId: null };
    case 'mine':
      return { status: { $in: ['open', 'pending'] }, assigneeId: new ObjectId(agent.id) };
    case 'open':
      return { status: 'open' };
    case 'snoozed':
      return { status: { $in: ['pending', 'snoozed'] } };
    case 'resolved':
      return { status: 'resolved' };
  }
}

const TONES = [
  'Amber',
  'Azure',
  'Coral',
  'Ivory',
  'Jade',
  'Lilac',
  'Olive',
  'Rose',
  'Sage',
  'Slate',
  'Teal',
  'Umber',
];
const CREATURES = [
  'Finch',
  'Fox',
  'Hare',
  'Heron',
  'Lynx',
  'Marten',
  'Otter',
  'Owl',
  'Robin',
  'Seal',
  'Swift',
  'Wren',
];

/** A stable, friendly name for a visitor who never gave one, e.g. "Teal Heron". */
export function anonymousName(visitorId: string): string {
  let hash = 0;
  for (const c of visitorId) hash = (hash * 33 + c.charCodeAt(0)) >>> 0;
  return `${TONES[hash % TONES.length]} ${CREATURES[Math.floor(hash / TONES.length) % CREATURES.length]}`;
}

export class Inbox {
  private readonly conversations: Collection<ConversationDoc>;
  private readonly messages: Collection<MessageDoc>;

  constructor(
    connection: Connection,
    private readonly visitors: VisitorService,
    /** The meetings domain's answer to "which conversations hold an open or booked meeting". */
    private readonly meetingConversations: (agent: Agent) => Promise<string[]>,
  ) {
    this.conversations = conversationModel(connection).collection as unknown as Collection<ConversationDoc>;
    this.messages = messageModel(connection).collection as unknown as Collection<MessageDoc>;
  }

  /** The conversations an agent sees for a query, newest activity (or longest wait) first. */
  async list(agent: Agent, query: InboxQuery): Promise<InboxItem[]> {
    const { docs, matches } = await this.find(agent, query, PAGE);
    return this.items(docs, matches);
  }

  /** How many conversations each view holds for this agent. */
  async counts(agent: Agent): Promise<InboxCounts> {
    const guard = agentGuard(agent);
    const entries = await Promise.all(
      INBOX_VIEWS.map(
        async (view) =>
          [view, await this.conversations.countDocuments(narrow(guard, viewFilter(view, agent)))] as const,
      ),
    );
    return Object.fromEntries(entries) as InboxCounts;
  }

  /** The same filters and order as `list`, for exports of a filtered set; at most `limit` conversations. */
  async ids(agent: Agent, query: InboxQuery, limit: number): Promise<string[]> {
    const { docs } = await this.find(agent, query, limit);
    return docs.map((doc) => doc._id.toHexString());
  }

  private async find(
    agent: Agent,
    query: InboxQuery,
    limit: number,
  ): Promise<{ docs: ConversationDoc[]; matches: Map<string, MessageDoc> }> {
    const filters = await this.filters(agent, query);
    const guard = agentGuard(agent);
    if (query.q) return this.search(agent, query.q, narrow(guard, filters), limit);
    const pipeline: Document[] = [
      {
        $match: narrow(guard, {
          ...filters,
          ...viewFilter(query.view, agent),
          ...(query.status ? { status: query.status } : {}),
        }),
      },
    ];
    if (query.sort === 'waiting') {
      // Waiting conversations first, longest wait on top; answered ones after, by activity.
      pipeline.push(
        { $addFields: { waitKey: { $ifNull: ['$waitingSince', new Date(8.64e15)] } } },
        { $sort: { waitKey: 1, lastMessageAt: -1, _id: -1 } },
      );
    } else {
      pipeline.push({ $sort: { lastMessageAt: -1, createdAt: -1, _id: -1 } });
    }
    pipeline.push({ $limit: limit });
    const docs = await this.conversations.aggregate<ConversationDoc>(pipeline).toArray();
    return { docs, matches: new Map() };
  }

  /**
   * The announcement of a change to a conversation: its row as `list` shows it, counted as one
   * more revision. One atomic update takes the revision and swaps the placement agents were last
   * told of for the current one, so announcements made by any relay number each conversation's
   * changes without a gap, and each says where the previous one placed it. Null when there is no
   * such conversation.
   */
  async announce(conversationId: string): Promise<InboxChange | null> {
    const doc = await this.conversations.findOneAndUpdate(
      { _id: new ObjectId(conversationId) },
      [
        {
          $set: {
            inbox: {
              revision: { $add: [{ $ifNull: ['$inbox.revision', 0] }, 1] },
              status: '$status',
              assigneeId: '$assigneeId',
            },
          },
        },
      ],
      // The document before this update is the conversation as it is now, with the last placement.
      { returnDocument: 'before', writeConcern: { w: 1, j: false } },
    );
    if (!doc) return null;
    const revision = (doc.inbox?.revision ?? 0) + 1;
    const [item] = await this.items(
      [{ ...doc, inbox: { revision, status: doc.status, assigneeId: doc.assigneeId ?? null } }],
      new Map(),
    );
    const change: InboxChange = { item: item!, revision };
    if (doc.inbox) {
      const { status, assigneeId } = doc.inbox;
      change.before = status ? { status, assigneeId: assigneeId ? assigneeId.toHexString() : null } : null;
    }
    return change;
  }

  /** A visitor's conversations, newest first, for the visitor panel. */
  async ofVisitor(agent: Agent, visitorId: string): Promise<InboxItem[]> {
    const docs = await this.conversations
      .find(narrow(agentGuard(agent), { visitorId: new ObjectId(visitorId) }))
      .sort({ createdAt: -1 })
      .limit(20)
      .toArray();
    return this.items(docs, new Map());
  }

  private async filters(agent: Agent, query: InboxQuery): Promise<Record<string, unknown>> {
    const filter: Record<string, unknown> = {};
    if (query.siteId) filter.siteId = new ObjectId(query.siteId);
    if (query.priority) filter.priority = query.priority;
    if (query.tag) filter.tags = query.tag;
    if (query.assigneeId) filter.assigneeId = new ObjectId(query.assigneeId);
    if (query.teamId) filter.teamId = new ObjectId(query.teamId);
    if (query.channel === 'meeting') {
      filter._id = { $in: (await this.meetingConversations(agent)).map((id) => new ObjectId(id)) };
    } else if (query.channel) {
      filter.channel = query.channel;
    }
    return filter;
  }

  /**
   * The best-matching conversations, at most `limit`, with the best hit of each. The text query
   * itself keeps to the agent's sites, so other sites' hits never take the places of its own;
   * entries stored before messages carried their site (no siteId) are left to the conversation
   * filter.
   */
  private async search(
    agent: Agent,
    q: string,
    filter: Record<string, unknown>,
    limit: number,
  ): Promise<{ docs: ConversationDoc[]; matches: Map<string, MessageDoc> }> {
    const text: Record<string, unknown> = { $text: { $search: q } };
    if (agent.siteIds !== null) text.siteId = { $in: [...agent.siteIds.map((id) => new ObjectId(id)), null] };
    const hits = await this.messages
      .find(text, { projection: { score: { $meta: 'textScore' } } })
      .sort({ score: { $meta: 'textScore' } })
      .limit(limit * HITS_PER_RESULT)
      .toArray();
    const best = new Map<string, MessageDoc>();
    for (const hit of hits) {
      const id = hit.conversationId.toHexString();
      if (!best.has(id)) best.set(id, hit);
    }
    if (best.size === 0) return { docs: [], matches: best };
    const docs = await this.conversations
      .find(narrow(filter, { _id: { $in: [...best.keys()].map((id) => new ObjectId(id)) } }))
      .toArray();
    const rank = new Map([...best.keys()].map((id, i) => [id, i]));
    docs.sort((a, b) => rank.get(a._id.toHexString())! - rank.get(b._id.toHexString())!);
    return { docs: docs.slice(0, limit), matches: best };
  }

  private async items(docs: ConversationDoc[], matches: Map<string, MessageDoc>): Promise<InboxItem[]> {
    if (docs.length === 0) return [];
    const ids = docs.map((d) => d._id);
    const previews = await this.messages
      .aggregate<{ _id: ObjectId; last: MessageDoc }>([
        { $match: { conversationId: { $in: ids }, type: { $in: ['message', 'note'] } } },
        { $sort: { conversationId: 1, seq: -1 } },
        { $group: { _id: '$conversationId', last: { $first: '$$ROOT' } } },
      ])
      .toArray();
    const previewOf = new Map(previews.map((p) => [p._id.toHexString(), p.last]));
    const visitorIds = [...new Set(docs.map((d) => d.visitorId.toHexString()))];
    const visitors = new Map(
      await Promise.all(visitorIds.map(async (id) => [id, await this.visitors.byId(id)] as const)),
    );
    return docs.map((doc) => {
      const conversation = toConversation(doc);
      const last = previewOf.get(conversation.id);
      const match = matches.get(conversation.id);
      const visitor = visitors.get(conversation.visitorId);
      const item: InboxItem = {
        conversation,
        visitorName: visitor?.name || visitor?.email || anonymousName(conversation.visitorId),
        preview: last ? preview(last) : null,
        revision: doc.inbox?.revision ?? 0,
      };
      if (match) {
        item.match = {
          id: match._id.toHexString(),
          seq: match.seq,
          body: match.body ?? '',
          createdAt: match.createdAt.toISOString(),
        };
      }
      return item;
    });
  }
}

function preview(doc: MessageDoc): NonNullable<InboxItem['preview']> {
  const author: Message['author'] = { kind: doc.author.kind, id: doc.author.id };
  if (doc.author.name) author.name = doc.author.name;
  return {
    body: doc.body ?? '',
    author,
    createdAt: doc.createdAt.toISOString(),
    type: doc.type ?? 'message',
  };
}
