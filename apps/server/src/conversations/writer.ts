// Group commit for messages. Sends that arrive while a batch is being written wait for the
// next one; a batch costs one read for retries, one $inc per conversation and one insertMany,
// all journaled. That is what lets the relay persist near the speed of a bare Socket.IO server.
import type { Author, Channel, Failure, Message, TimelineEntryType, Visibility } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { type Collection, ObjectId } from 'mongodb';
import type { ConversationDoc, MessageDoc } from './model';
import { toMessage } from './wire';

export interface WriteRequest {
  conversationId: string;
  clientMsgId: string;
  body: string;
  author: Author;
  type?: TimelineEntryType;
  visibility?: Visibility;
  channel?: Channel;
  data?: Message['data'];
  /**
   * Look for a stored copy first (default). A client's first send skips it: only a resend can
   * match, and should one slip through, the unique index still answers with the stored copy.
   */
  lookupStored?: boolean;
  /** Extra conditions the conversation must meet for this author to write to it. */
  guard: Record<string, unknown>;
}

/** Where a conversation's events fan out to. */
export interface Route {
  siteId: string;
  visitorId: string;
}

export type WriteResult =
  | { ok: true; message: Message; created: false }
  | { ok: true; message: Message; created: true; route: Route }
  | Failure;

interface Pending {
  request: WriteRequest;
  resolve: (result: WriteResult) => void;
}

const key = (conversationId: string, clientMsgId: string) => `${conversationId}/${clientMsgId}`;

/** The conversation fields a run of new entries changes, as an update-pipeline $set. */
function seqUpdate(group: WriteRequest[], now: Date): Record<string, unknown> {
  const replies = group.filter((r) => (r.type ?? 'message') === 'message');
  const set: Record<string, unknown> = { seq: { $add: ['$seq', group.length] }, updatedAt: now };
  if (replies.length > 0) set.lastMessageAt = now;
  const fromAgent = replies.some((r) => r.author.kind === 'agent');
  const fromVisitor = replies.some((r) => r.author.kind === 'visitor');
  if (fromAgent) set.firstResponseAt = { $ifNull: ['$firstResponseAt', now] };
  // The console sorts by how long a visitor has waited; an agent's reply ends the wait.
  if (fromAgent) set.waitingSince = null;
  else if (fromVisitor) set.waitingSince = { $ifNull: ['$waitingSince', now] };
  if (fromVisitor) {
    // A visitor writing to a resolved or snoozed conversation reopens it.
    set.status = { $cond: [{ $in: ['$status', ['resolved', 'snoozed']] }, 'open', '$status'] };
    set.resolvedAt = { $cond: [{ $eq: ['$status', 'resolved'] }, null, '$resolvedAt'] };
  }
  return set;
}

function readPath(doc: object, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], doc);
}

/** Batches whose reservations are made and whose inserts may still be running. */
const MAX_STORING = 4;

interface Reserved {
  docs: MessageDoc[];
  routes: Map<string, Route>;
  settle: (k: string, result: WriteResult, duplicateResult?: WriteResult) => void;
}

export class MessageWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly storing = new Set<Promise<void>>();
  private batchNo = 0;
  /** This process's claim field name on conversations; random so relays never share one. */
  private readonly nodeId = new ObjectId().toHexString();

  constructor(
    private readonly conversations: Collection<ConversationDoc>,
    private readonly messages: Collection<MessageDoc>,
    private readonly windowMs: number,
  ) {}

  write(request: WriteRequest): Promise<WriteResult> {
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => void this.drain(), this.windowMs);
      }
    });
  }

  /**
   * Reservations run one batch at a time, so seqs follow arrival order; storing a batch
   * (insertMany, acks, fan-out) overlaps the next batch's reservation, up to MAX_STORING at once.
   */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const fail = (error: unknown) => {
        // Resolving an already-settled request is a no-op: only the unanswered ones get this.
        const result = failure('unavailable', `could not store the message: ${(error as Error).message}`);
        for (const pending of batch) pending.resolve(result);
      };
      let reserved: Reserved | null;
      try {
        reserved = await this.reserve(batch);
      } catch (error) {
        fail(error);
        continue;
      }
      if (!reserved) continue;
      const task: Promise<void> = this.store(reserved)
        .catch(fail)
        .finally(() => this.storing.delete(task));
      this.storing.add(task);
      if (this.storing.size >= MAX_STORING) await Promise.race(this.storing);
    }
    this.scheduled = false;
  }

  /** Answers retries from the store and reserves seqs for the rest; null when nothing is left to insert. */
  private async reserve(batch: Pending[]): Promise<Reserved | null> {
    // Requests for the same client id in one batch share one outcome.
    const byKey = new Map<string, Pending[]>();
    for (const pending of batch) {
      const k = key(pending.request.conversationId, pending.request.clientMsgId);
      const list = byKey.get(k);
      if (list) list.push(pending);
      else byKey.set(k, [pending]);
    }
    const settle = (k: string, result: WriteResult, duplicateResult: WriteResult = result) => {
      const [first, ...rest] = byKey.get(k) ?? [];
      first?.resolve(result);
      for (const pending of rest) pending.resolve(duplicateResult);
      byKey.delete(k);
    };

    // Retries of stored messages are answered with what is stored.
    const requests = [...byKey.values()].map((list) => list[0]!.request);
    // One index seek per client id (they are random, so a match on another conversation is
    // vanishingly rare and filtered below); $in on both fields would seek their cross product.
    const lookups = requests.filter((r) => r.lookupStored !== false).map((r) => r.clientMsgId);
    const stored =
      lookups.length === 0 ? [] : await this.messages.find({ clientMsgId: { $in: lookups } }).toArray();
    for (const doc of stored) {
      const k = key(doc.conversationId.toHexString(), doc.clientMsgId);
      if (byKey.has(k)) settle(k, { ok: true, message: toMessage(doc), created: false });
    }

    // One bulkWrite reserves a run of seqs for every conversation in the batch. Each update also
    // records, under this process's own claim field, where its run starts: the update computes it
    // atomically from the old seq, and no other process writes that field, so reading it back
    // tells exactly which seqs are ours even with other relays writing the same conversation.
    const groups = new Map<string, WriteRequest[]>();
    for (const list of byKey.values()) {
      const request = list[0]!.request;
      const g = `${request.conversationId}|${JSON.stringify(request.guard)}`;
      const group = groups.get(g);
      if (group) group.push(request);
      else groups.set(g, [request]);
    }
    if (groups.size === 0) return null;
    const batchNo = ++this.batchNo;
    const now = new Date();
    const slotsUsed = new Map<string, number>();
    const planned = [...groups.values()].map((group) => {
      const conversationId = group[0]!.conversationId;
      const slot = slotsUsed.get(conversationId) ?? 0;
      slotsUsed.set(conversationId, slot + 1);
      return { group, conversationId, claim: `seqClaims.${this.nodeId}.g${slot}` };
    });
    await this.conversations.bulkWrite(
      planned.map(({ group, conversationId, claim }) => ({
        updateOne: {
          filter: { ...group[0]!.guard, _id: new ObjectId(conversationId) },
          update: [
            { $set: { ...seqUpdate(group, now), [claim]: { b: batchNo, from: { $add: ['$seq', 1] } } } },
          ],
        },
      })),
      // Not journaled on its own: the journal is written in order, so the batch's journaled
      // insertMany makes this durable before any ack, and a reservation lost in a crash is only
      // a gap in seqs, which clients step over.
      { ordered: false, writeConcern: { w: 1, j: false } },
    );
    const claimed = await this.conversations
      .find(
        { _id: { $in: [...slotsUsed.keys()].map((id) => new ObjectId(id)) } },
        { projection: { siteId: 1, visitorId: 1, channel: 1, [`seqClaims.${this.nodeId}`]: 1 } },
      )
      .toArray();
    const byId = new Map(claimed.map((doc) => [doc._id.toHexString(), doc]));
    const docs: MessageDoc[] = [];
    const routes = new Map<string, Route>();
    for (const { group, conversationId, claim } of planned) {
      const doc = byId.get(conversationId);
      const reservation = doc ? (readPath(doc, claim) as { b: number; from: number } | undefined) : undefined;
      if (!doc || reservation?.b !== batchNo) {
        // The guard did not match: no such conversation, or not this author's to write.
        const missing = failure('not_found', 'no such conversation');
        for (const r of group) settle(key(r.conversationId, r.clientMsgId), missing);
        continue;
      }
      routes.set(conversationId, {
        siteId: doc.siteId.toHexString(),
        visitorId: doc.visitorId.toHexString(),
      });
      let seq = reservation.from;
      for (const r of group) {
        const author: MessageDoc['author'] = { kind: r.author.kind, id: r.author.id };
        if (r.author.name) author.name = r.author.name;
        docs.push({
          _id: new ObjectId(),
          conversationId: new ObjectId(r.conversationId),
          seq: seq++,
          clientMsgId: r.clientMsgId,
          type: r.type ?? 'message',
          visibility: r.visibility ?? 'all',
          // Unless the caller says (an inbound email), an entry travels on the conversation's channel.
          channel: r.channel ?? doc.channel ?? 'chat',
          author,
          body: r.body,
          ...(r.data ? { data: r.data } : {}),
          createdAt: now,
        } as MessageDoc);
      }
    }
    return docs.length === 0 ? null : { docs, routes, settle };
  }

  private async store({ docs, routes, settle }: Reserved): Promise<void> {
    const failedIndexes = new Set<number>();
    try {
      await this.messages.insertMany(docs, { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { index: number; code: number }[] }).writeErrors;
      if (!writeErrors) throw error;
      for (const e of writeErrors) failedIndexes.add(e.index);
    }
    for (const [index, doc] of docs.entries()) {
      const k = key(doc.conversationId.toHexString(), doc.clientMsgId);
      if (!failedIndexes.has(index)) {
        const message = toMessage(doc);
        const route = routes.get(message.conversationId)!;
        settle(k, { ok: true, message, created: true, route }, { ok: true, message, created: false });
        continue;
      }
      // Another relay stored the same client id a moment ago: answer with its copy.
      const existing = await this.messages.findOne({
        conversationId: doc.conversationId,
        clientMsgId: doc.clientMsgId,
      });
      settle(
        k,
        existing
          ? { ok: true, message: toMessage(existing), created: false }
          : failure('unavailable', 'could not store the message, try again'),
      );
    }
  }
}
