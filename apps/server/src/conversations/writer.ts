// Group commit for messages. Sends that arrive while a batch is being written make up the next
// one. A batch costs a read for retries (only when a client says it is retrying: the owners of
// conversations this process does not know, so access is checked first, then the stored copies;
// retries.ts), and then:
// - on a conversation this process has not written to yet, or whenever relays share the store
//   (REDIS_URL), one atomic update per conversation and access (its visitor, a set of sites,
//   or any) that reserves its seqs and answers the conversation after it, before the insert;
// - on a conversation a sole relay has written to, nothing before the insert: it hands out the
//   seqs itself;
// then one journaled command, a client-level bulkWrite that inserts the batch and moves the
// counters a sole relay handed out; and now and then a few conditional updates (reopen, first
// response, waiting), in batch order, by the rules in state-rules.ts.
// The unique (conversationId, seq) index catches a sole relay that is not alone after all.

import type {
  Author,
  Channel,
  Failure,
  Message,
  RedactionKind,
  TimelineEntryType,
  Visibility,
} from '@parley/protocol';
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
import { InOrder } from './in-order';
import type { ConversationDoc, MessageDoc } from './model';
import { messageKey, storedCopies } from './retries';
import {
  type Authors,
  authorsOf,
  counterMove,
  type Run,
  type State,
  stateAfter,
  stateChanges,
  stateOf,
} from './state-rules';
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
  /** What was masked in `body` before it came here (privacy/redact.ts); stored with it. */
  redacted?: RedactionKind[];
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

const noSuchConversation = () => failure('not_found', 'no such conversation');

/**
 * The senders of one batch by client id: requests for the same client id in one batch share one
 * outcome, and each is answered once.
 */
class Outcomes {
  private readonly byKey = new Map<string, Pending[]>();

  constructor(batch: Pending[]) {
    for (const pending of batch) {
      const k = messageKey(pending.request.conversationId, pending.request.clientMsgId);
      const list = this.byKey.get(k);
      if (list) list.push(pending);
      else this.byKey.set(k, [pending]);
    }
  }

  /** The first request of each client id not answered yet, in arrival order. */
  unanswered(): WriteRequest[] {
    return [...this.byKey.values()].map((list) => list[0]!.request);
  }

  /** Answers the first sender of `k` with `result` and its same-id duplicates with `duplicateResult`. */
  settle(k: string, result: WriteResult, duplicateResult: WriteResult = result): void {
    const [first, ...rest] = this.byKey.get(k) ?? [];
    first?.resolve(result);
    for (const pending of rest) pending.resolve(duplicateResult);
    this.byKey.delete(k);
  }

  refuse(requests: WriteRequest[], result: Failure): void {
    for (const r of requests) this.settle(messageKey(r.conversationId, r.clientMsgId), result);
  }
}

/** One conversation's requests of one access, in arrival order: they get one run of seqs. */
interface Group {
  requests: WriteRequest[];
  authors: Authors;
}

/** A group and the first seq of the run it was given. */
type GroupRun = Group & Run;

/** What a process remembers of a conversation it has written to. */
interface Known {
  /** Its owners, which never change: a known conversation's access is checked here. */
  route: Route;
  channel: Channel;
  state: State;
  /** The counter as this process left it; handed on from only by a sole writer. */
  seq: number;
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

const knownOf = (doc: ConversationDoc): Known => ({
  route: { siteId: doc.siteId.toHexString(), visitorId: doc.visitorId.toHexString() },
  channel: doc.channel ?? 'chat',
  state: stateOf(doc),
  seq: doc.seq,
});

/**
 * A batch's runs on one conversation, with what the batch goes by for it (an agent's action may
 * make the writer forget the conversation meanwhile).
 */
interface Reservation {
  known: Known;
  runs: GroupRun[];
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
  outcomes: Outcomes;
}

/** A request whose seq was found taken, to be sent once more. */
interface Resend {
  k: string;
  request: WriteRequest;
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

/** A follow-up other domains owe some messages: named, and which messages it applies to. */
interface Owed {
  name: string;
  applies: (message: OwedMessage) => boolean;
}

/** What decides whether a message is owed something. */
export type OwedMessage = Pick<Message, 'author' | 'type' | 'visibility' | 'channel'>;

/** The indexes of the writes a batch's command failed; any other failure of it is thrown. */
function failedWrites(stored: PromiseSettledResult<unknown>): Set<number> {
  if (stored.status === 'fulfilled') return new Set();
  if (!(stored.reason instanceof MongoClientBulkWriteError)) throw stored.reason;
  return new Set(stored.reason.writeErrors.keys());
}

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
    const outcomes = new Outcomes(batch);
    await this.answerRetries(outcomes);
    const groups = this.groupsByConversation(outcomes);
    if (groups.size === 0) return null;
    if (this.known.size > MAX_KNOWN) this.known.clear();

    const now = new Date();
    const local = this.handedOutHere([...groups.keys()]);
    const asked = [...groups.keys()].filter((id) => !local.has(id));
    const fromStore = await this.reserveInStore(asked, groups, outcomes, now);
    const { handedOut, moves } = this.handOutSeqs(local, groups, now);
    const reservations = new Map([...fromStore, ...handedOut]);

    const { shared, sole } = this.stateChangesOf(reservations, local, now);
    const { docs, requests, routes } = this.entriesOf(reservations, now);
    // Made before the next batch is sequenced, so a later batch's change (an agent's reply
    // ending the wait) lands after them; journaled by this batch's insert, written after them.
    if (shared.length > 0) {
      await this.conversations.bulkWrite(shared, { ordered: false, writeConcern: { w: 1, j: false } });
    }
    const states = this.applyInBatchOrder(sole, local);
    return docs.length === 0 ? null : { docs, requests, routes, moves, moved: [...local], states, outcomes };
  }

  /**
   * Retries of stored messages are answered with what is stored, once the sender is known to
   * reach the conversation: a retry on anyone else's goes on to be refused like any other send.
   */
  private async answerRetries(outcomes: Outcomes): Promise<void> {
    const copies = await storedCopies(
      outcomes.unanswered().filter((r) => r.lookupStored !== false),
      (conversationId) => this.known.get(conversationId)?.route,
      this.conversations,
      this.messages,
    );
    for (const doc of copies) {
      const k = messageKey(doc.conversationId.toHexString(), doc.clientMsgId);
      outcomes.settle(k, { ok: true, message: toMessage(doc), created: false });
    }
  }

  /** The unanswered requests in groups, in arrival order, by conversation. */
  private groupsByConversation(outcomes: Outcomes): Map<string, Group[]> {
    const groups = new Map<string, WriteRequest[]>();
    for (const request of outcomes.unanswered()) {
      const g = `${request.conversationId}|${JSON.stringify(request.access)}`;
      const group = groups.get(g);
      if (group) group.push(request);
      else groups.set(g, [request]);
    }
    const byConversation = new Map<string, Group[]>();
    for (const requests of groups.values()) {
      if (this.outOfReach(requests, outcomes)) continue;
      const conversationId = requests[0]!.conversationId;
      const list = byConversation.get(conversationId) ?? [];
      list.push({ requests, authors: authorsOf(requests) });
      byConversation.set(conversationId, list);
    }
    return byConversation;
  }

  /**
   * Refuses a group whose conversation this process knows and whose sender does not reach it;
   * says whether it did.
   */
  private outOfReach(requests: WriteRequest[], outcomes: Outcomes): boolean {
    const route = this.known.get(requests[0]!.conversationId)?.route;
    if (!route || reaches(requests[0]!.access, route, requests[0]!.conversationId)) return false;
    outcomes.refuse(requests, noSuchConversation());
    return true;
  }

  /** The conversations whose seqs this process hands out itself: a sole writer's, once it has written to them. */
  private handedOutHere(conversationIds: string[]): Set<string> {
    return new Set(this.options.soleWriter ? conversationIds.filter((id) => this.known.has(id)) : []);
  }

  /**
   * One atomic update per group reserves its run of seqs and answers the conversation after it,
   * so the run is exactly the counter's last seqs, whatever other relays do meanwhile.
   * Conversations go out together; a conversation's groups one after another, so its seqs
   * follow arrival order. A conversation that is not there, or not the sender's, is refused.
   */
  private async reserveInStore(
    conversationIds: string[],
    groups: Map<string, Group[]>,
    outcomes: Outcomes,
    now: Date,
  ): Promise<Map<string, Reservation>> {
    const reservations = new Map<string, Reservation>();
    if (conversationIds.length === 0) return reservations;
    // The engine must have this process's earlier moves of these counters, and the state
    // changes that went beside them, before it is asked.
    await Promise.allSettled(conversationIds.map((id) => this.moving.get(id)));
    await Promise.all(
      conversationIds.map(async (conversationId) => {
        const _id = new ObjectId(conversationId);
        for (const group of groups.get(conversationId)!) {
          // A group after the first finds the owners the first one read.
          if (this.outOfReach(group.requests, outcomes)) continue;
          const doc = await this.conversations.findOneAndUpdate(
            this.known.has(conversationId)
              ? { _id }
              : narrow(accessFilter(group.requests[0]!.access), { _id }),
            counterMove(group.requests.length, group.authors, now),
            // Not journaled on its own: the journal is written in order, so the batch's
            // journaled insert makes this durable before any ack, and a reservation lost
            // in a crash is only a gap in seqs, which clients step over.
            { returnDocument: 'after', projection: STATE, writeConcern: { w: 1, j: false } },
          );
          if (!doc) {
            // The filter did not match: no such conversation, or not this author's.
            outcomes.refuse(group.requests, noSuchConversation());
            continue;
          }
          const known = knownOf(doc);
          this.known.set(conversationId, known);
          const runs = reservations.get(conversationId)?.runs ?? [];
          runs.push({ ...group, from: doc.seq - group.requests.length + 1 });
          reservations.set(conversationId, { known, runs });
        }
      }),
    );
    return reservations;
  }

  /**
   * A sole writer hands out the seqs of the conversations it knows. Their counter moves go in
   * the same command as the insert; what changes their state goes in batch order (InOrder).
   */
  private handOutSeqs(
    conversationIds: Set<string>,
    groups: Map<string, Group[]>,
    now: Date,
  ): { handedOut: Map<string, Reservation>; moves: AnyClientBulkWriteModel<Document>[] } {
    const handedOut = new Map<string, Reservation>();
    const moves: AnyClientBulkWriteModel<Document>[] = [];
    const namespace = `${this.dbName}.${this.conversations.collectionName}`;
    for (const conversationId of conversationIds) {
      const known = this.known.get(conversationId)!;
      const _id = new ObjectId(conversationId);
      const runs = groups.get(conversationId)!.map((group) => {
        const from = known.seq + 1;
        known.seq += group.requests.length;
        moves.push({
          namespace,
          name: 'updateOne',
          filter: { _id },
          update: counterMove(group.requests.length, group.authors, now),
        });
        return { ...group, from };
      });
      handedOut.set(conversationId, { known, runs });
    }
    return { handedOut, moves };
  }

  /**
   * The updates that bring each conversation to the state its runs leave it in, and what is
   * known of it along: those the engine is asked for now, and a sole writer's, which go in
   * batch order beside the insert.
   */
  private stateChangesOf(
    reservations: Map<string, Reservation>,
    local: Set<string>,
    now: Date,
  ): { shared: AnyBulkWriteOperation<ConversationDoc>[]; sole: AnyBulkWriteOperation<ConversationDoc>[] } {
    const shared: AnyBulkWriteOperation<ConversationDoc>[] = [];
    const sole: AnyBulkWriteOperation<ConversationDoc>[] = [];
    for (const [conversationId, { known, runs }] of reservations) {
      const after = stateAfter(known.state, runs);
      const updates = stateChanges(new ObjectId(conversationId), known.state, after, now);
      (local.has(conversationId) ? sole : shared).push(...updates);
      known.state = after;
    }
    return { shared, sole };
  }

  /** The batch's entries as they are stored, each with its seq, and the request behind each. */
  private entriesOf(
    reservations: Map<string, Reservation>,
    now: Date,
  ): { docs: MessageDoc[]; requests: WriteRequest[]; routes: Map<string, Route> } {
    const docs: MessageDoc[] = [];
    const requests: WriteRequest[] = [];
    const routes = new Map<string, Route>();
    for (const [conversationId, { known, runs }] of reservations) {
      routes.set(conversationId, known.route);
      for (const { requests: group, from } of runs) {
        for (const [i, request] of group.entries()) {
          docs.push(this.entryOf(request, known, from + i, now));
          requests.push(request);
        }
      }
    }
    return { docs, requests, routes };
  }

  /** One request as its stored entry, marked with what other domains owe it. */
  private entryOf(r: WriteRequest, conversation: Known, seq: number, now: Date): MessageDoc {
    const author: MessageDoc['author'] = { kind: r.author.kind, id: r.author.id };
    if (r.author.name) author.name = r.author.name;
    const type = r.type ?? 'message';
    const visibility = r.visibility ?? 'all';
    // Unless the caller says (an inbound email), an entry travels on the conversation's channel.
    const channel = r.channel ?? conversation.channel;
    const doc = {
      _id: new ObjectId(),
      conversationId: new ObjectId(r.conversationId),
      siteId: new ObjectId(conversation.route.siteId),
      seq,
      clientMsgId: r.clientMsgId,
      type,
      visibility,
      channel,
      author,
      body: r.body,
      ...(r.data ? { data: r.data } : {}),
      ...(r.redacted ? { redacted: r.redacted } : {}),
      createdAt: now,
    } as MessageDoc;
    const message = { author: r.author, type, visibility, channel };
    const pending = this.owed.filter((o) => o.applies(message)).map((o) => o.name);
    if (pending.length > 0) doc.pending = pending;
    return doc;
  }

  /**
   * Queues a sole writer's changes of state to go alongside the insert, after the previous
   * batches'; should they fail, what it knows of those conversations is forgotten.
   */
  private applyInBatchOrder(updates: AnyBulkWriteOperation<ConversationDoc>[], local: Set<string>) {
    if (updates.length === 0) return Promise.resolve();
    return this.states.apply(updates).catch((error: unknown) => {
      for (const id of local) this.known.delete(id);
      throw error;
    });
  }

  /**
   * Stores a batch and answers its senders. Seqs found taken mean a counter behind its timeline:
   * it is caught up before any ack and those requests are sent once more.
   */
  private async store(reserved: Reserved): Promise<void> {
    const { docs, moves } = reserved;
    const failed = failedWrites(await this.insert(reserved));
    // A counter that did not move (it never should) is brought up to its timeline before any ack.
    await this.catchUp(
      moves
        .filter((_, i) => failed.has(docs.length + i))
        .map((move) => (move as { filter: { _id: ObjectId } }).filter._id),
    );
    const resend = await this.answer(reserved, failed);
    await this.catchUp(resend.map(({ request }) => new ObjectId(request.conversationId)));
    this.sendAgain(resend, reserved.outcomes);
  }

  /**
   * One journaled command stores the batch and moves the counters it handed out. Until it and
   * the batch's changes of state are done, a later batch asking the engine about those
   * conversations waits for them. Answers how the command went; a failed change of state throws.
   */
  private async insert({ docs, moves, moved, states }: Reserved): Promise<PromiseSettledResult<unknown>> {
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
    return stored;
  }

  /**
   * Answers the senders of the stored entries, and of those another relay stored a moment ago
   * with that relay's copy; returns the requests whose seq was taken.
   */
  private async answer(
    { docs, requests, routes, outcomes }: Reserved,
    failed: Set<number>,
  ): Promise<Resend[]> {
    const resend: Resend[] = [];
    for (const [index, doc] of docs.entries()) {
      const k = messageKey(doc.conversationId.toHexString(), doc.clientMsgId);
      if (!failed.has(index)) {
        const message = toMessage(doc);
        const route = routes.get(message.conversationId)!;
        outcomes.settle(
          k,
          { ok: true, message, created: true, route },
          { ok: true, message, created: false },
        );
        continue;
      }
      // Another relay stored the same client id a moment ago: answer with its copy.
      const existing = await this.messages.findOne({
        conversationId: doc.conversationId,
        clientMsgId: doc.clientMsgId,
      });
      if (existing) {
        outcomes.settle(k, { ok: true, message: toMessage(existing), created: false });
        continue;
      }
      // Its seq was taken: the counter was behind the timeline (another relay wrote to the same
      // store, or a crash came between an insert and its counter move). The request is sent
      // once more, but not a third time.
      const request = requests[index]!;
      if (this.resent.has(request)) {
        outcomes.settle(k, failure('unavailable', 'could not store the message, try again'));
        continue;
      }
      resend.push({ k, request });
    }
    return resend;
  }

  /** Sends again the requests whose seq was taken, once their counters are caught up. */
  private sendAgain(resend: Resend[], outcomes: Outcomes): void {
    for (const { k, request } of resend) {
      const again = { ...request, lookupStored: true };
      this.resent.add(again);
      // Same-id duplicates in this batch hear of it as a copy, as they do of a first store.
      void this.write(again).then((result) =>
        outcomes.settle(
          k,
          result,
          result.ok ? { ok: true, message: result.message, created: false } : result,
        ),
      );
    }
  }

  /**
   * Moves each conversation's counter up to its highest stored seq and forgets what was known of
   * it; once per conversation, one after another.
   */
  private async catchUp(conversationIds: ObjectId[]): Promise<void> {
    const behind = new Map(conversationIds.map((id) => [id.toHexString(), id]));
    for (const [id, conversationId] of behind) {
      this.known.delete(id);
      const [top] = await this.messages.find({ conversationId }).sort({ seq: -1 }).limit(1).toArray();
      await this.states.apply([
        { updateOne: { filter: { _id: conversationId }, update: { $max: { seq: top?.seq ?? 0 } } } },
      ]);
    }
  }
}
