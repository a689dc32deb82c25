// Group commit for messages. Sends that arrive while a batch is being written make up the next
// one; a batch costs a read for retries (only when a client says it is retrying), one update per
// conversation reserving its seqs, one read of those conversations, now and then a few
// conditional updates (reopen, first response, waiting), and one journaled insertMany.
// That is what lets the relay persist at a fair fraction of a bare Socket.IO server's speed.

import { randomBytes } from 'node:crypto';
import type { Author, Channel, Failure, Message, TimelineEntryType, Visibility } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { type AnyBulkWriteOperation, type Collection, ObjectId } from 'mongodb';
import type { ConversationDoc, MessageDoc } from './model';
import { toMessage } from './wire';

/** Who may write to a conversation: its visitor, the agents of its site, or anyone (admins, Parley). */
export type Access = { visitorId: string } | { siteIds: string[] } | 'any';

/** The conversations `access` reaches, as a filter. */
export function accessFilter(access: Access): Record<string, unknown> {
  if (access === 'any') return {};
  if ('visitorId' in access) return { visitorId: new ObjectId(access.visitorId) };
  return { siteId: { $in: access.siteIds.map((id) => new ObjectId(id)) } };
}

/** Whether `access` reaches a conversation with this owner; the same rule as accessFilter. */
function reaches(access: Access, owner: Route): boolean {
  if (access === 'any') return true;
  if ('visitorId' in access) return access.visitorId === owner.visitorId;
  return access.siteIds.includes(owner.siteId);
}

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
  /** Whose conversations this author may write to. */
  access: Access;
}

/** Where a conversation's events fan out to: the site and visitor it belongs to, which never change. */
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

/** How many reservations each conversation remembers; see MessageWriter.reserve. */
const RUN_LOG = 32;

/** A reservation as logged on the conversation: who made it (node, batch, group) and its length. */
interface Run {
  by: string;
  n: number;
}

type Authors = ReturnType<typeof authorsOf>;

/** What kinds of reply a group holds: it decides which conversation fields its run changes. */
const authorsOf = (group: WriteRequest[]) => {
  const replies = group.filter((r) => (r.type ?? 'message') === 'message');
  return {
    replies: replies.length > 0,
    agent: replies.some((r) => r.author.kind === 'agent'),
    visitor: replies.some((r) => r.author.kind === 'visitor'),
  };
};

/**
 * The one operator update that reserves a run of `group.length` seqs: $inc the counter and, in
 * the same atomic update, append the run to the conversation's log, so the log's order is the
 * order of the increments. Operator updates cost the engine a fraction of a pipeline update.
 */
function reservation(
  group: WriteRequest[],
  { replies, agent }: Authors,
  by: string,
  now: Date,
): Record<string, unknown> {
  const set: Record<string, unknown> = { updatedAt: now };
  if (replies) set.lastMessageAt = now;
  // The console sorts by how long a visitor has waited; an agent's reply ends the wait.
  if (agent) set.waitingSince = null;
  return {
    $inc: { seq: group.length },
    $set: set,
    $push: { seqRuns: { $each: [{ by, n: group.length }], $slice: -RUN_LOG } },
  };
}

/**
 * Where the run `by` starts, from a conversation's counter and log read together: the runs
 * logged after it were added to the counter after it. Undefined when it is not in the log.
 */
export function runStart(seq: number, runs: Run[], by: string): number | undefined {
  let after = seq;
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i]!;
    after -= run.n;
    if (run.by === by) return after + 1;
  }
  return undefined;
}

/**
 * What a conversation's new runs change only sometimes (reopen a resolved one, stamp the first
 * response, start the visitor's wait), as conditional updates. They are rare, so they are sent
 * only where the conversation read back needs them, instead of making every reservation a
 * pipeline update.
 */
function followUps(
  runs: { group: WriteRequest[]; authors: Authors; from: number }[],
  _id: ObjectId,
  state: State,
  now: Date,
): AnyBulkWriteOperation<ConversationDoc>[] {
  const updates: AnyBulkWriteOperation<ConversationDoc>[] = [];
  const when = (group: WriteRequest[], condition: Record<string, unknown>, set: Record<string, unknown>) =>
    updates.push({
      updateOne: { filter: { ...accessFilter(group[0]!.access), _id, ...condition }, update: { $set: set } },
    });
  const visitor = runs.find((run) => run.authors.visitor);
  const agent = runs.find((run) => run.authors.agent);
  // A visitor writing to a resolved or snoozed conversation reopens it.
  if (visitor && (state.status === 'resolved' || state.status === 'snoozed')) {
    when(
      visitor.group,
      { status: state.status },
      state.status === 'resolved' ? { status: 'open', resolvedAt: null } : { status: 'open' },
    );
  }
  if (agent && !state.answered) when(agent.group, { firstResponseAt: null }, { firstResponseAt: now });
  // The visitor is waiting when the latest reply is theirs (an agent's reply cleared the wait).
  const replies = runs.filter((run) => run.authors.replies).sort((x, y) => x.from - y.from);
  const last = replies.at(-1);
  if (last?.authors.visitor && !state.waiting) {
    when(last.group, { waitingSince: null }, { waitingSince: now });
  }
  return updates;
}

/** What the writer reads back of a conversation after reserving on it. */
interface State {
  status: string;
  /** Has firstResponseAt. */
  answered: boolean;
  /** Has waitingSince. */
  waiting: boolean;
}

/** Conversation owners a writer remembers; past this many it forgets them and filters by access again. */
const MAX_OWNERS = 10_000;

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
  /** Names this process's runs in the conversations' logs; random so relays never share one. */
  private readonly nodeId = randomBytes(8).toString('base64url');
  /**
   * The owners of conversations this process has written to. Owners never change, so a known
   * conversation's access is checked here and its reservation filters on _id alone, which the
   * engine answers several times faster than any filter with more fields.
   */
  private readonly owners = new Map<string, Route>();

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
        // By default a batch starts as soon as this turn of the event loop is done: under load,
        // the sends that arrive while one batch is being written make up the next.
        if (this.windowMs > 0) setTimeout(() => void this.drain(), this.windowMs);
        else setImmediate(() => void this.drain());
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
    const refuse = (group: WriteRequest[], result: Failure) => {
      for (const r of group) settle(key(r.conversationId, r.clientMsgId), result);
    };
    const notFound = failure('not_found', 'no such conversation');

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

    // One group per conversation and access, in arrival order.
    const groups = new Map<string, WriteRequest[]>();
    for (const list of byKey.values()) {
      const request = list[0]!.request;
      const g = `${request.conversationId}|${JSON.stringify(request.access)}`;
      const group = groups.get(g);
      if (group) group.push(request);
      else groups.set(g, [request]);
    }
    const batchNo = ++this.batchNo;
    const planned: { group: WriteRequest[]; authors: Authors; conversationId: string; by: string }[] = [];
    for (const group of groups.values()) {
      const conversationId = group[0]!.conversationId;
      const owner = this.owners.get(conversationId);
      if (owner && !reaches(group[0]!.access, owner)) refuse(group, notFound);
      else {
        const by = `${this.nodeId}:${batchNo}:${planned.length}`;
        planned.push({ group, authors: authorsOf(group), conversationId, by });
      }
    }
    if (planned.length === 0) return null;

    // One bulkWrite reserves a run of seqs for every group: $inc the counter and log the run under
    // a name only this batch uses. Reading the counter and the log back tells exactly which seqs
    // are ours, even with other relays writing the same conversation.
    const now = new Date();
    await this.conversations.bulkWrite(
      planned.map(({ group, authors, conversationId, by }) => {
        const _id = new ObjectId(conversationId);
        const known = this.owners.has(conversationId);
        return {
          updateOne: {
            filter: known ? { _id } : { ...accessFilter(group[0]!.access), _id },
            update: reservation(group, authors, by, now),
          },
        };
      }),
      // Not journaled on its own: the journal is written in order, so the batch's journaled
      // insertMany makes this durable before any ack, and a reservation lost in a crash is only
      // a gap in seqs, which clients step over.
      { ordered: false, writeConcern: { w: 1, j: false } },
    );
    const read = await this.conversations
      .find(
        { _id: { $in: [...new Set(planned.map((p) => p.conversationId))].map((id) => new ObjectId(id)) } },
        {
          projection: {
            siteId: 1,
            visitorId: 1,
            channel: 1,
            status: 1,
            firstResponseAt: 1,
            waitingSince: 1,
            seq: 1,
            seqRuns: 1,
          },
        },
      )
      .toArray();
    const byId = new Map(read.map((doc) => [doc._id.toHexString(), doc]));

    const docs: MessageDoc[] = [];
    const routes = new Map<string, Route>();
    const runs = new Map<string, { group: WriteRequest[]; authors: Authors; from: number }[]>();
    if (this.owners.size > MAX_OWNERS) this.owners.clear();
    for (const { group, authors, conversationId, by } of planned) {
      const doc = byId.get(conversationId);
      const log = (doc as { seqRuns?: Run[] } | undefined)?.seqRuns ?? [];
      const from = doc ? runStart(doc.seq, log, by) : undefined;
      if (!doc || from === undefined) {
        // No run: the access filter did not match (no such conversation, or not this author's),
        // or, with a full log, more than RUN_LOG reservations by other relays came in between
        // and pushed it out: its seqs stay a gap and the clients retry.
        const pushedOut =
          doc !== undefined &&
          log.length >= RUN_LOG &&
          (await this.conversations.countDocuments({ ...accessFilter(group[0]!.access), _id: doc._id })) > 0;
        refuse(
          group,
          pushedOut ? failure('unavailable', 'could not store the message, try again') : notFound,
        );
        continue;
      }
      const route = { siteId: doc.siteId.toHexString(), visitorId: doc.visitorId.toHexString() };
      this.owners.set(conversationId, route);
      routes.set(conversationId, route);
      const list = runs.get(conversationId) ?? [];
      list.push({ group, authors, from });
      runs.set(conversationId, list);
      let seq = from;
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
    const updates = [...runs].flatMap(([id, list]) => {
      const doc = byId.get(id)!;
      const state = {
        status: doc.status ?? 'open',
        answered: Boolean(doc.firstResponseAt),
        waiting: Boolean(doc.waitingSince),
      };
      return followUps(list, doc._id, state, now);
    });
    // Made before the next batch's reservation, so a later batch's change (an agent's reply
    // ending the wait) lands after them; journaled by this batch's insertMany, written after them.
    if (updates.length > 0) {
      await this.conversations.bulkWrite(updates, { ordered: false, writeConcern: { w: 1, j: false } });
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
