// Conversations and their timelines: starting one, appending messages (through the batching
// writer), replaying what a client missed, and read receipts.
import type {
  Author,
  Channel,
  Conversation,
  Message,
  RedactionKind,
  Result,
  SiteRedaction,
  SyncResult,
} from '@parley/protocol';
import { failure, SYNC_PAGE_SIZE } from '@parley/protocol';
import { type Collection, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { ALL_REDACTIONS, redact } from '../privacy/redact';
import { type Access, accessFilter, narrow, reaches, sitesAccess } from './access';
import { ConversationEvents } from './events';
import { type ConversationDoc, conversationModel, type MessageDoc, messageModel } from './model';
import { toConversation, toMessage } from './wire';
import {
  MessageWriter,
  type OwedMessage,
  type Route,
  type WriteRequest,
  type WriteResult,
  type WriterOptions,
} from './writer';

/** What other domains see of a stored message's route and of what it is owed (see the writer). */
export type { OwedMessage, Route };

/** Who is acting: a visitor on its own conversations, or an agent on its sites' conversations. */
export type Actor =
  | {
      kind: 'visitor';
      visitorId: string;
      siteId: string;
      name?: string;
      /** Set on a browser opened from a continue link: the one conversation it may reach. */
      conversationId?: string;
    }
  | { kind: 'agent'; agentId: string; name: string; siteIds: string[] | null };

function accessFor(actor: Actor | { kind: 'system' }): Access {
  if (actor.kind === 'visitor') {
    return actor.conversationId
      ? { visitorId: actor.visitorId, conversationId: actor.conversationId }
      : { visitorId: actor.visitorId };
  }
  return actor.kind === 'system' ? 'any' : sitesAccess(actor.siteIds);
}

/** The conversations the actor may see and write to, as a filter. */
const guardFor = (actor: Actor | { kind: 'system' }) => accessFilter(accessFor(actor));

function authorFor(actor: Actor): Author {
  if (actor.kind === 'visitor') {
    return actor.name
      ? { kind: 'visitor', id: actor.visitorId, name: actor.name }
      : { kind: 'visitor', id: actor.visitorId };
  }
  return { kind: 'agent', id: actor.agentId, name: actor.name };
}

export class ConversationService {
  private readonly model;
  private readonly conversations: Collection<ConversationDoc>;
  private readonly messages: Collection<MessageDoc>;
  private readonly writer: MessageWriter;
  private readonly routes = new Map<string, Route>();
  /** Announcements after each durable write; see ConversationEventMap. */
  readonly events = new ConversationEvents();

  /**
   * @param redaction what a site masks besides card numbers (asked only for a message that holds
   * an IBAN or a national id)
   */
  constructor(
    connection: Connection,
    writer: WriterOptions,
    private readonly redaction: (siteId: string) => Promise<SiteRedaction> = async () => ALL_REDACTIONS,
  ) {
    this.model = conversationModel(connection);
    const messages = messageModel(connection);
    this.conversations = this.model.collection as unknown as Collection<ConversationDoc>;
    this.messages = messages.collection as unknown as Collection<MessageDoc>;
    this.writer = new MessageWriter(
      connection.getClient(),
      connection.name,
      this.conversations,
      this.messages,
      writer,
    );
  }

  /**
   * The visitor's conversation for `startKey`, created on first call. A retry with the same key
   * answers the same conversation; `created` says whether this call made it.
   */
  async start(
    visitor: { visitorId: string; siteId: string },
    startKey: string,
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const filter = { visitorId: new ObjectId(visitor.visitorId), startKey };
    const now = new Date();
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.conversations.findOneAndUpdate(
          filter,
          {
            $setOnInsert: {
              siteId: new ObjectId(visitor.siteId),
              status: 'open',
              channel: 'chat',
              assigneeId: null,
              priority: 'none',
              tags: [],
              seq: 0,
              visitorSeenSeq: 0,
              agentSeenSeq: 0,
              lastMessageAt: null,
              firstResponseAt: null,
              resolvedAt: null,
              inbox: { revision: 0, status: null, assigneeId: null },
              createdAt: now,
              updatedAt: now,
            },
          },
          { upsert: true, returnDocument: 'after', includeResultMetadata: true },
        );
        const conversation = toConversation(result.value!);
        const created = !result.lastErrorObject?.updatedExisting;
        if (created) this.events.emit('conversation', conversation);
        return { conversation, created };
      } catch (error) {
        if ((error as { code?: number }).code !== 11000 || attempt > 2) throw error;
      }
    }
  }

  /**
   * Appends a client's message to a conversation the actor may write to; persisted (journaled)
   * when this resolves ok. `retry` says it may have been sent before (see WriteRequest.lookupStored).
   */
  send(
    actor: Actor,
    input: { conversationId: string; clientMsgId: string; body: string; retry?: boolean | undefined },
    origin?: string,
  ): Promise<WriteResult> {
    const { retry, ...entry } = input;
    return this.append(actor, { ...entry, lookupStored: retry === true }, origin);
  }

  /**
   * Appends any timeline entry (message, note or event) the actor may write: the one path every
   * entry takes, so each gets a seq, is journaled, deduplicated by client id and announced.
   * `origin` names the socket that sent it, so the announcement skips the sender.
   * @example service.append(agentActor, { conversationId, clientMsgId, body: 'VIP', type: 'note', visibility: 'agents' })
   */
  async append(
    actor: Actor | { kind: 'system' },
    input: Pick<WriteRequest, 'conversationId' | 'clientMsgId' | 'body'> &
      Partial<Pick<WriteRequest, 'type' | 'visibility' | 'channel' | 'data' | 'lookupStored' | 'redacted'>>,
    origin?: string,
  ): Promise<WriteResult> {
    const author: Author =
      actor.kind === 'system' ? { kind: 'system', id: 'parley', name: 'Parley' } : authorFor(actor);
    const masked = await this.masked(actor, input.conversationId, input.body, input.redacted);
    const result = await this.writer.write({ ...input, ...masked, author, access: accessFor(actor) });
    if (result.ok && result.created) this.events.emit('message', result.message, result.route, origin);
    return result;
  }

  /**
   * The body as it may be stored: card numbers always masked, IBANs and national ids as the
   * conversation's site says (privacy/redact.ts). Before the writer, so the original reaches
   * neither the store nor an announcement.
   */
  private async masked(
    actor: Actor | { kind: 'system' },
    conversationId: string,
    body: string,
    /** What the caller masked already (inbound mail is masked before it is stored). */
    before: RedactionKind[] = [],
  ): Promise<{ body: string; redacted?: RedactionKind[] }> {
    let result = redact(body, ALL_REDACTIONS);
    if (result.kinds.some((kind) => kind !== 'card')) {
      const siteId =
        actor.kind === 'visitor' ? actor.siteId : (await this.route(actor, conversationId))?.siteId;
      // A conversation out of reach is refused by the writer; until then nothing is let through.
      if (siteId) result = redact(body, await this.redaction(siteId));
    }
    const kinds = [...new Set([...before, ...result.kinds])];
    return kinds.length > 0 ? { body: result.text, redacted: kinds } : { body };
  }

  /** See MessageWriter.owe: `name` is owed for every message `applies` to, stored with it. */
  owe(name: string, applies: (message: OwedMessage) => boolean): void {
    this.writer.owe(name, applies);
  }

  /** `name` is done for these messages; with nothing left owed, the field goes (and each leaves the index). */
  async settle(messageIds: string[], name: string): Promise<void> {
    if (messageIds.length === 0) return;
    const left = { $filter: { input: '$pending', cond: { $ne: ['$$this', name] } } };
    await this.messages.updateMany(
      { _id: { $in: messageIds.map((id) => new ObjectId(id)) }, pending: name },
      [
        {
          $set: {
            pending: {
              $let: {
                vars: { left },
                in: { $cond: [{ $eq: [{ $size: '$$left' }, 0] }, '$$REMOVE', '$$left'] },
              },
            },
          },
        },
      ],
    );
  }

  /** Messages stored before `before` that `name` is still owed for, oldest first, at most `limit`. */
  async owedSince(name: string, before: Date, limit = 100): Promise<Message[]> {
    const docs = await this.messages
      .find({ pending: name, createdAt: { $lt: before } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toMessage);
  }

  /** Called after a conversation's status or channel is changed outside the writer; see MessageWriter.forget. */
  forget(conversationId: string): void {
    this.writer.forget(conversationId);
  }

  async get(actor: Actor, conversationId: string): Promise<Conversation | null> {
    const doc = await this.conversations.findOne(
      narrow(guardFor(actor), { _id: new ObjectId(conversationId) }),
    );
    return doc ? toConversation(doc) : null;
  }

  /**
   * Everything the actor missed: for each listed conversation, the messages after `afterSeq`.
   * A visitor also learns of its other recent conversations, replayed from the start.
   */
  async sync(actor: Actor, wanted: { conversationId: string; afterSeq: number }[]): Promise<SyncResult> {
    const after = new Map(wanted.map((w) => [w.conversationId, w.afterSeq]));
    const filter = narrow(
      guardFor(actor),
      actor.kind === 'agent' ? { _id: { $in: wanted.map((w) => new ObjectId(w.conversationId)) } } : {},
    );
    const docs = await this.conversations
      .find(filter)
      .sort({ createdAt: -1 })
      .limit(actor.kind === 'visitor' ? 20 : 200)
      .toArray();
    if (actor.kind === 'visitor') {
      // Listed conversations beyond the 20 most recent are still the visitor's to sync.
      const missing = wanted.filter((w) => !docs.some((d) => d._id.toHexString() === w.conversationId));
      if (missing.length > 0) {
        docs.push(
          ...(await this.conversations
            .find(narrow(filter, { _id: { $in: missing.map((w) => new ObjectId(w.conversationId)) } }))
            .toArray()),
        );
      }
    }
    const conversations = docs.map(toConversation);
    const messages: Message[] = [];
    const more: string[] = [];
    await Promise.all(
      conversations.map(async (conversation) => {
        const afterSeq = after.get(conversation.id) ?? 0;
        if (conversation.seq <= afterSeq) return;
        const filter: Record<string, unknown> = {
          conversationId: new ObjectId(conversation.id),
          seq: { $gt: afterSeq },
        };
        if (actor.kind === 'visitor') filter.visibility = { $ne: 'agents' };
        const page = await this.messages
          .find(filter)
          .sort({ seq: 1 })
          .limit(SYNC_PAGE_SIZE + 1)
          .toArray();
        if (page.length > SYNC_PAGE_SIZE) {
          page.pop();
          more.push(conversation.id);
        }
        messages.push(...page.map(toMessage));
      }),
    );
    messages.sort((a, b) =>
      a.conversationId === b.conversationId ? a.seq - b.seq : a.conversationId < b.conversationId ? -1 : 1,
    );
    return { conversations, messages, more };
  }

  /** Records that the actor's side has seen the timeline up to `seq`; never moves backwards. */
  async markSeen(
    actor: Actor,
    conversationId: string,
    seq: number,
  ): Promise<Result<{ conversation: Conversation }>> {
    const field = actor.kind === 'visitor' ? 'visitorSeenSeq' : 'agentSeenSeq';
    const doc = await this.conversations.findOneAndUpdate(
      narrow(guardFor(actor), { _id: new ObjectId(conversationId), seq: { $gte: seq } }),
      { $max: { [field]: seq } },
      { returnDocument: 'after' },
    );
    if (doc) {
      const conversation = toConversation(doc);
      const event = {
        conversationId,
        by: actor.kind === 'visitor' ? ('visitor' as const) : ('agent' as const),
        seq: conversation[field],
      };
      this.events.emit('seen', event, { siteId: conversation.siteId, visitorId: conversation.visitorId });
      return { ok: true, conversation };
    }
    const exists = await this.get(actor, conversationId);
    return exists
      ? failure('bad_request', `seq ${seq} is beyond the end of the timeline (${exists.seq})`)
      : failure('not_found', 'no such conversation');
  }

  /** Where a conversation's events go, if the actor may act on it. Cached: these never change. */
  async route(actor: Actor | { kind: 'system' }, conversationId: string): Promise<Route | null> {
    let route = this.routes.get(conversationId);
    if (!route) {
      const doc = await this.conversations.findOne(
        { _id: new ObjectId(conversationId) },
        { projection: { siteId: 1, visitorId: 1 } },
      );
      if (!doc) return null;
      route = { siteId: doc.siteId.toHexString(), visitorId: doc.visitorId.toHexString() };
      if (this.routes.size > 50_000) this.routes.clear();
      this.routes.set(conversationId, route);
    }
    return reaches(accessFor(actor), route, conversationId) ? route : null;
  }

  /** The stored timeline, in order: for tests, exports and the console. */
  async timeline(conversationId: string): Promise<Message[]> {
    const docs = await this.messages
      .find({ conversationId: new ObjectId(conversationId) })
      .sort({ seq: 1 })
      .toArray();
    return docs.map(toMessage);
  }

  async syncIndexes(): Promise<void> {
    await this.model.syncIndexes();
    await messageModel(this.model.db).syncIndexes();
  }

  /** A conversation by id, for domains acting on the system's behalf (email, meetings). */
  async byId(conversationId: string): Promise<Conversation | null> {
    const doc = await this.conversations.findOne({ _id: new ObjectId(conversationId) });
    return doc ? toConversation(doc) : null;
  }

  /**
   * Switches the channel the agent's next reply goes out on, records the switch as an event on
   * the timeline and announces the changed conversation. `emailTo` is the masked address every
   * view shows while the channel is email.
   * @example service.setChannel(agentActor, id, { channel: 'email', emailTo: 'j***@example.com', clientMsgId, body: 'Continuing by email' })
   */
  async setChannel(
    actor: Actor | { kind: 'system' },
    conversationId: string,
    change: { channel: Channel; emailTo: string | null; clientMsgId: string; body: string },
  ): Promise<Result<{ conversation: Conversation }>> {
    const guard = guardFor(actor);
    const updated = await this.conversations.findOneAndUpdate(
      narrow(guard, { _id: new ObjectId(conversationId) }),
      { $set: { channel: change.channel, emailTo: change.emailTo, updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
    if (!updated) return failure('not_found', 'no such conversation');
    this.forget(conversationId);
    const event = await this.append(actor, {
      conversationId,
      clientMsgId: change.clientMsgId,
      body: change.body,
      type: 'event',
      data: { name: 'channel_changed', channel: change.channel, emailTo: change.emailTo },
    });
    if (!event.ok) return event;
    const doc = await this.conversations.findOne({ _id: updated._id });
    const conversation = toConversation(doc ?? updated);
    this.events.emit('conversation', conversation);
    return { ok: true, conversation };
  }
}
