// Group commit for messages. Sends that arrive while a batch is being written make up the next
// one. A batch costs a read for retries (only when a client says it is retrying: the owners of
// conversations this process does not know, so access is checked first, then the stored copies),
// and then:
// - on a conversation this process has not written to yet, or whenever relays share the store
//   (REDIS_URL), one atomic update per conversation and access (its visitor, a set of sites,
//   or any) that reserves its seqs and answers the conversation after it, before the insert;
// - on a conversation a sole relay has written to, nothing before the insert: it hands out the
//   seqs itself;
// then one journaled command, a client-level bulkWrite that inserts the batch and moves the
// counters a sole relay handed out; and now and then a few conditional updates (reopen, first
// response, waiting), in batch order.
// The unique (conversationId, seq) index catches a sole relay that is not alone after all.

import type { Author, Channel, Failure, Message, TimelineEntryType, Visibility } from '@parley/protocol';
import { failure } from '@parley/protocol';
import {
  type AnyBulkWriteOperation,
  type AnyClientBulkWriteModel,
  type Collection,
  type Document,
  type MongoClient,
  MongoClientBulkWriteError,
  ObjectId,
} from 'mongodb';
import { type Access, accessFilter, narrow, reaches } from './access';
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
 * The operator update that moves the counter past a run of `group.length` seqs and stamps what
 * every reply stamps. It commutes with every other such move ($inc, $max), so a sole writer's
 * batches may apply theirs in any order; what changes only sometimes is left to `changes`.
 */
function counterMove(group: WriteRequest[], { replies }: Authors, now: Date): Record<string, unknown> {
  return {
    $inc: { seq: group.length },
    $max: replies ? { updatedAt: now, lastMessageAt: now } : { updatedAt: now },
  };
}

/** What the writer reads of a conversation as it reserves on it. */
const STATE = {
  siteId: 1,
  visitorId: 1,
  channel: 1,
  status: 1,
  firstResponseAt: 1,
  waitingSince: 1,
  seq: 1,
} as const;

/** What a conversation's runs depend on, as they find it. */
interface State {
  status: string;
  /** Has firstResponseAt. */
  answered: boolean;
  /** Has waitingSince. */
  waiting: boolean;
}

/**
 * The state a conversation is left in by `runs`: a visitor reopens a resolved or snoozed one, an
 * agent's reply answers it, and the visitor is waiting when the latest reply is theirs.
 */
function stateAfter(state: State, runs: { authors: Authors; from: number }[]): State {
  const replies = runs.filter((run) => run.authors.replies).sort((x, y) => x.from - y.from);
  const last = replies.at(-1);
  const reopened =
    (state.status === 'resolved' || state.status === 'snoozed') && runs.some((run) => run.authors.visitor);
  return {
    status: reopened ? 'open' : state.status,
    answered: state.answered || runs.some((run) => run.authors.agent),
    waiting: last ? last.authors.visitor : state.waiting,
  };
}

/**
 * The conditional updates that take a conversation from `before` to `after`: reopen it, stamp
 * the first response, start or end the visitor's wait. They are rare, so they go only where the
 * state changes, instead of making every counter move a pipeline update.
 */
function changes(
  _id: ObjectId,
  before: State,
  after: State,
  now: Date,
): AnyBulkWriteOperation<ConversationDoc>[] {
  const updates: AnyBulkWriteOperation<ConversationDoc>[] = [];
  const when = (condition: Record<string, unknown>, set: Record<string, unknown>) =>
    updates.push({ updateOne: { filter: { _id, ...condition }, update: { $set: set } } });
  if (after.status !== before.status) {
    when(
      { status: before.status },
      before.status === 'resolved' ? { status: 'open', resolvedAt: null } : { status: 'open' },
    );
  }
  if (after.answered && !before.answered) when({ firstResponseAt: null }, { firstResponseAt: now });
  if (after.waiting && !before.waiting) when({ waitingSince: null }, { waitingSince: now });
  if (!after.waiting && before.waiting) when({}, { waitingSince: null });
  return updates;
}

const stateOf = (doc: ConversationDoc): State => ({
  status: doc.status ?? 'open',
  answered: Boolean(doc.firstResponseAt),
  waiting: Boolean(doc.waitingSince),
});

/** What a process remembers of a conversation it has written to. */
interface Known {
  /** Its owners, which never change: a known conversation's access is checked here. */
  route: Route;
  channel: Channel;
  state: State;
  /** The counter as this process left it; handed on from only by a sole writer. */
  seq: number;
}

/** Conversations a writer remembers; past this many it forgets them and reads them again. */
const MAX_KNOWN = 10_000;

/** Batches whose reservations are made and whose inserts may still be running. */
const MAX_STORING = 4;

interface Reserved {
  docs: MessageDoc[];
  /** The request behind each doc, in the same order. */
  requests: WriteRequest[];
  routes: Map<string, Route>;
  /** The counter moves that go in the insert's command, and the conversations they move. */
  moves: AnyClientBulkWriteModel<Document>[];
  moved: string[];
  /** Settles once this batch's changes of conversation state (kept in batch order) are applied. */
  states: Promise<unknown>;
  settle: (k: string, result: WriteResult, duplicateResult?: WriteResult) => void;
}

export interface WriterOptions {
  /** How long a batch waits for more sends (0: until the current turn of the event loop ends). */
  windowMs: number;
  /**
   * This process is the only relay writing to the store (no REDIS_URL), so it may hand out the
   * seqs of conversations it has written to without asking the engine first.
   */
  soleWriter: boolean;
}

/**
 * The changes of conversation state a sole writer makes beside its inserts, applied in the
 * order they are queued. Writes queued while one bulkWrite is out go together in the next, so
 * under load many batches share one command.
 */
class InOrder {
  private queued: { ops: AnyBulkWriteOperation<ConversationDoc>[]; done: (error?: unknown) => void }[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly collection: Collection<ConversationDoc>) {}

  /** Applies `ops` after everything queued before them; resolves once they are applied. */
  apply(ops: AnyBulkWriteOperation<ConversationDoc>[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ ops, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.running ??= this.run();
    });
  }

  private async run(): Promise<void> {
    while (this.queued.length > 0) {
      const group = this.queued.splice(0);
      try {
        // Journaled, like the inserts they go beside: a batch is acked once both are durable.
        await this.collection.bulkWrite(
          group.flatMap((g) => g.ops),
          { ordered: true, writeConcern: { w: 1, j: true } },
        );
        for (const g of group) g.done();
      } catch (error) {
        for (const g of group) g.done(error ?? new Error('conversation update failed'));
      }
    }
    this.running = null;
  }
}

/** A follow-up other domains owe some messages: named, and which messages it applies to. */
interface Owed {
  name: string;
  applies: (message: OwedMessage) => boolean;
}

/** What decides whether a message is owed something. */
export type OwedMessage = Pick<Message, 'author' | 'type' | 'visibility' | 'channel'>;

export class MessageWriter {
  private queue: Pending[] = [];
  private readonly owed: Owed[] = [];
  private scheduled = false;
  private readonly storing = new Set<Promise<void>>();
  private readonly known = new Map<string, Known>();
  /** A sole writer's changes of conversation state, in batch order. */
  private readonly states: InOrder;
  /** The latest command still moving each conversation's counter, with its batch's state changes (a sole writer's). */
  private readonly moving = new Map<string, Promise<unknown>>();
  /** Requests already sent again after a seq was found taken; they are not sent a third time. */
  private readonly resent = new WeakSet<WriteRequest>();

  /**
   * `client` and `dbName` are those of the collections: a batch's insert and counter moves are
   * one client-level bulkWrite across both.
   */
  constructor(
    private readonly client: MongoClient,
    private readonly dbName: string,
    private readonly conversations: Collection<ConversationDoc>,
    private readonly messages: Collection<MessageDoc>,
    private readonly options: WriterOptions,
  ) {
    this.states = new InOrder(conversations);
  }

  write(request: WriteRequest): Promise<WriteResult> {
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        // By default a batch starts as soon as this turn of the event loop is done: under load,
        // the sends that arrive while one batch is being written make up the next.
        if (this.options.windowMs > 0) setTimeout(() => void this.drain(), this.options.windowMs);
        else setImmediate(() => void this.drain());
      }
    });
  }

  /**
   * Marks every message `applies` to, as it is stored, with `name` in its `pending` list: a
   * follow-up (an email) that must happen even if this process stops right after the write. The
   * domain that owes it clears the mark once it is done (ConversationService.settle) and picks
   * up marks left behind (ConversationService.owedSince).
   */
  owe(name: string, applies: (message: OwedMessage) => boolean): void {
    this.owed.push({ name, applies });
  }

  /**
   * Tells the writer a conversation's status or channel changed outside it (an agent's action),
   * so its next batch reads the conversation again instead of going by what it remembers.
   */
  forget(conversationId: string): void {
    this.known.delete(conversationId);
  }

  /**
   * Batches are sequenced one at a time, so seqs follow arrival order; storing a batch
   * (the insert, acks, fan-out) overlaps the next batch's sequencing, up to MAX_STORING at once.
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

  /** Answers retries from the store and gives the rest their seqs; null when nothing is left to insert. */
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

    // Retries of stored messages are answered with what is stored, once the sender is known to
    // reach the conversation: a retry on anyone else's goes on to be refused like any other send.
    const requests = [...byKey.values()].map((list) => list[0]!.request);
    const lookups = await this.reachable(requests.filter((r) => r.lookupStored !== false));
    // One index seek per client id (they are random, so a match on another conversation is
    // vanishingly rare and filtered below); $in on both fields would seek their cross product.
    const stored =
      lookups.size === 0
        ? []
        : await this.messages
            .find({ clientMsgId: { $in: [...lookups.values()].map((r) => r.clientMsgId) } })
            .toArray();
    for (const doc of stored) {
      const k = key(doc.conversationId.toHexString(), doc.clientMsgId);
      if (lookups.has(k)) settle(k, { ok: true, message: toMessage(doc), created: false });
    }

    // One group per conversation and access, in arrival order; groups by conversation.
    const groups = new Map<string, WriteRequest[]>();
    for (const list of byKey.values()) {
      const request = list[0]!.request;
      const g = `${request.conversationId}|${JSON.stringify(request.access)}`;
      const group = groups.get(g);
      if (group) group.push(request);
      else groups.set(g, [request]);
    }
    const byConversation = new Map<string, { group: WriteRequest[]; authors: Authors }[]>();
    for (const group of groups.values()) {
      const conversationId = group[0]!.conversationId;
      const route = this.known.get(conversationId)?.route;
      if (route && !reaches(group[0]!.access, route)) {
        refuse(group, notFound);
        continue;
      }
      const list = byConversation.get(conversationId) ?? [];
      list.push({ group, authors: authorsOf(group) });
      byConversation.set(conversationId, list);
    }
    if (byConversation.size === 0) return null;
    if (this.known.size > MAX_KNOWN) this.known.clear();

    const now = new Date();
    const local = new Set(
      this.options.soleWriter ? [...byConversation.keys()].filter((id) => this.known.has(id)) : [],
    );
    const asked = [...byConversation.keys()].filter((id) => !local.has(id));
    const runs = new Map<string, { group: WriteRequest[]; authors: Authors; from: number }[]>();
    // What this batch goes by for each conversation (an agent's action may forget it meanwhile).
    const used = new Map<string, Known>();

    if (asked.length > 0) {
      // The engine must have this process's earlier moves of these counters, and the state
      // changes that went beside them, before it is asked.
      await Promise.allSettled(asked.map((id) => this.moving.get(id)));
      // One atomic update per group reserves its run of seqs and answers the conversation after
      // it, so the run is exactly the counter's last `group.length` seqs, whatever other relays
      // do meanwhile. Conversations go out together; a conversation's groups one after another,
      // so its seqs follow arrival order.
      await Promise.all(
        asked.map(async (conversationId) => {
          const _id = new ObjectId(conversationId);
          for (const { group, authors } of byConversation.get(conversationId)!) {
            // A group after the first finds the owners the first one read.
            const known = this.known.get(conversationId);
            if (known && !reaches(group[0]!.access, known.route)) {
              refuse(group, notFound);
              continue;
            }
            const doc = await this.conversations.findOneAndUpdate(
              known ? { _id } : narrow(accessFilter(group[0]!.access), { _id }),
              counterMove(group, authors, now),
              // Not journaled on its own: the journal is written in order, so the batch's
              // journaled insert makes this durable before any ack, and a reservation lost
              // in a crash is only a gap in seqs, which clients step over.
              { returnDocument: 'after', projection: STATE, writeConcern: { w: 1, j: false } },
            );
            if (!doc) {
              // The filter did not match: no such conversation, or not this author's.
              refuse(group, notFound);
              continue;
            }
            const route = { siteId: doc.siteId.toHexString(), visitorId: doc.visitorId.toHexString() };
            const entry = { route, channel: doc.channel ?? 'chat', state: stateOf(doc), seq: doc.seq };
            this.known.set(conversationId, entry);
            used.set(conversationId, entry);
            const list = runs.get(conversationId) ?? [];
            list.push({ group, authors, from: doc.seq - group.length + 1 });
            runs.set(conversationId, list);
          }
        }),
      );
    }

    // A sole writer hands out the seqs of the conversations it knows. Their counter moves go in
    // the same command as the insert; what changes their state goes in batch order (InOrder).
    const moves: AnyClientBulkWriteModel<Document>[] = [];
    const conversationsNs = `${this.dbName}.${this.conversations.collectionName}`;
    for (const conversationId of local) {
      const known = this.known.get(conversationId)!;
      used.set(conversationId, known);
      const list = byConversation.get(conversationId)!.map(({ group, authors }) => {
        const from = known.seq + 1;
        known.seq += group.length;
        return { group, authors, from };
      });
      runs.set(conversationId, list);
      const _id = new ObjectId(conversationId);
      for (const { group, authors } of list) {
        moves.push({
          namespace: conversationsNs,
          name: 'updateOne',
          filter: { _id },
          update: counterMove(group, authors, now),
        });
      }
    }

    const docs: MessageDoc[] = [];
    const inserted: WriteRequest[] = [];
    const routes = new Map<string, Route>();
    const followUpdates: AnyBulkWriteOperation<ConversationDoc>[] = [];
    const localFollowUps: AnyBulkWriteOperation<ConversationDoc>[] = [];
    for (const [conversationId, list] of runs) {
      const known = used.get(conversationId)!;
      routes.set(conversationId, known.route);
      const after = stateAfter(known.state, list);
      const updates = changes(new ObjectId(conversationId), known.state, after, now);
      (local.has(conversationId) ? localFollowUps : followUpdates).push(...updates);
      known.state = after;
      for (const { group, from } of list) {
        let seq = from;
        for (const r of group) {
          const author: MessageDoc['author'] = { kind: r.author.kind, id: r.author.id };
          if (r.author.name) author.name = r.author.name;
          docs.push({
            _id: new ObjectId(),
            conversationId: new ObjectId(r.conversationId),
            siteId: new ObjectId(known.route.siteId),
            seq: seq++,
            clientMsgId: r.clientMsgId,
            type: r.type ?? 'message',
            visibility: r.visibility ?? 'all',
            // Unless the caller says (an inbound email), an entry travels on the conversation's channel.
            channel: r.channel ?? known.channel,
            author,
            body: r.body,
            ...(r.data ? { data: r.data } : {}),
            createdAt: now,
          } as MessageDoc);
          if (this.owed.length > 0) {
            const doc = docs.at(-1)!;
            const message = {
              author: r.author,
              type: r.type ?? 'message',
              visibility: r.visibility ?? 'all',
              channel: doc.channel as Channel,
            };
            const pending = this.owed.filter((o) => o.applies(message)).map((o) => o.name);
            if (pending.length > 0) doc.pending = pending;
          }
          inserted.push(r);
        }
      }
    }
    // Made before the next batch is sequenced, so a later batch's change (an agent's reply
    // ending the wait) lands after them; journaled by this batch's insert, written after them.
    if (followUpdates.length > 0) {
      await this.conversations.bulkWrite(followUpdates, { ordered: false, writeConcern: { w: 1, j: false } });
    }
    // The sole writer's changes of state go alongside the insert, after the previous batches'.
    const states =
      localFollowUps.length === 0
        ? Promise.resolve()
        : this.states.apply(localFollowUps).catch((error: unknown) => {
            for (const id of local) this.known.delete(id);
            throw error;
          });
    return docs.length === 0
      ? null
      : { docs, requests: inserted, routes, moves, moved: [...local], states, settle };
  }

  /**
   * The requests whose sender reaches their conversation, by key. Owners come from what this
   * process remembers, else from one read of the conversations asked about.
   */
  private async reachable(requests: WriteRequest[]): Promise<Map<string, WriteRequest>> {
    const owners = new Map<string, Route>();
    const unknown = new Set<string>();
    for (const { conversationId } of requests) {
      const route = this.known.get(conversationId)?.route;
      if (route) owners.set(conversationId, route);
      else unknown.add(conversationId);
    }
    if (unknown.size > 0) {
      const docs = await this.conversations
        .find(
          { _id: { $in: [...unknown].map((id) => new ObjectId(id)) } },
          { projection: { siteId: 1, visitorId: 1 } },
        )
        .toArray();
      for (const doc of docs) {
        owners.set(doc._id.toHexString(), {
          siteId: doc.siteId.toHexString(),
          visitorId: doc.visitorId.toHexString(),
        });
      }
    }
    const allowed = new Map<string, WriteRequest>();
    for (const request of requests) {
      const route = owners.get(request.conversationId);
      if (route && reaches(request.access, route)) {
        allowed.set(key(request.conversationId, request.clientMsgId), request);
      }
    }
    return allowed;
  }

  private async store({ docs, requests, routes, moves, moved, states, settle }: Reserved): Promise<void> {
    // One journaled command stores the batch and moves the counters it handed out.
    const messagesNs = `${this.dbName}.${this.messages.collectionName}`;
    const command = this.client.bulkWrite(
      [
        ...docs.map((document) => ({ namespace: messagesNs, name: 'insertOne' as const, document })),
        ...moves,
      ],
      { ordered: false, writeConcern: { w: 1, j: true } },
    );
    const done = Promise.allSettled([command, states]);
    for (const id of moved) this.moving.set(id, done);
    const [stored, changed] = await done;
    for (const id of moved) if (this.moving.get(id) === done) this.moving.delete(id);
    if (changed.status === 'rejected') throw changed.reason;
    const failedIndexes = new Set<number>();
    /** Conversations whose counter is behind their timeline: each is caught up once. */
    const behind = new Map<string, ObjectId>();
    const catchUpAll = async () => {
      for (const [id, conversationId] of behind) {
        await this.catchUp(conversationId);
        behind.delete(id);
      }
    };
    if (stored.status === 'rejected') {
      if (!(stored.reason instanceof MongoClientBulkWriteError)) throw stored.reason;
      for (const index of stored.reason.writeErrors.keys()) failedIndexes.add(index);
      // A counter that did not move (it never should) is brought up to its timeline before any ack.
      for (const [i, move] of moves.entries()) {
        const { _id } = (move as { filter: { _id: ObjectId } }).filter;
        if (failedIndexes.has(docs.length + i)) behind.set(_id.toHexString(), _id);
      }
      await catchUpAll();
    }
    const resend: { k: string; request: WriteRequest }[] = [];
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
      if (existing) {
        settle(k, { ok: true, message: toMessage(existing), created: false });
        continue;
      }
      // Its seq was taken: the counter was behind the timeline (another relay wrote to the same
      // store, or a crash came between an insert and its counter move). Bring the counter up to
      // the timeline and send the request once more, but not a third time.
      const request = requests[index]!;
      if (this.resent.has(request)) {
        settle(k, failure('unavailable', 'could not store the message, try again'));
        continue;
      }
      behind.set(doc.conversationId.toHexString(), doc.conversationId);
      resend.push({ k, request });
    }
    await catchUpAll();
    for (const { k, request } of resend) {
      const again = { ...request, lookupStored: true };
      this.resent.add(again);
      // Same-id duplicates in this batch hear of it as a copy, as they do of a first store.
      void this.write(again).then((result) =>
        settle(k, result, result.ok ? { ok: true, message: result.message, created: false } : result),
      );
    }
  }

  /** Moves a conversation's counter up to its highest stored seq and forgets what was known of it. */
  private async catchUp(conversationId: ObjectId): Promise<void> {
    this.known.delete(conversationId.toHexString());
    const [top] = await this.messages.find({ conversationId }).sort({ seq: -1 }).limit(1).toArray();
    await this.states.apply([
      { updateOne: { filter: { _id: conversationId }, update: { $max: { seq: top?.seq ?? 0 } } } },
    ]);
  }
}
