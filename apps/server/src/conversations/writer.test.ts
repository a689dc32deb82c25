// The writer against the real engine: several writers standing in for relay nodes share one
// store, and every seq is handed out exactly once, in one unbroken run per conversation; a sole
// writer hands out seqs itself, and loses nothing when it turns out not to be alone.
import { type Collection, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../db/connect';
import { testDatabase } from '../testing';
import { type ConversationDoc, conversationModel, type MessageDoc, messageModel } from './model';
import { MessageWriter, type WriteRequest } from './writer';

let connection: Connection;
let conversations: Collection<ConversationDoc>;
let messages: Collection<MessageDoc>;

beforeAll(async () => {
  const database = testDatabase();
  connection = await connectDatabase(database.uri, database.dbName);
  await conversationModel(connection).syncIndexes();
  await messageModel(connection).syncIndexes();
  conversations = conversationModel(connection).collection as unknown as Collection<ConversationDoc>;
  messages = messageModel(connection).collection as unknown as Collection<MessageDoc>;
});
afterAll(() => connection.close());

const writer = (soleWriter = false) =>
  new MessageWriter(connection.getClient(), connection.name, conversations, messages, {
    windowMs: 1,
    soleWriter,
  });
const shared = () => writer(false);

async function newConversation(fields: Partial<ConversationDoc> = {}) {
  const visitorId = new ObjectId();
  const { insertedId } = await conversations.insertOne({
    siteId: new ObjectId(),
    visitorId,
    startKey: 'k',
    status: 'open',
    channel: 'chat',
    seq: 0,
    firstResponseAt: null,
    waitingSince: null,
    resolvedAt: null,
    ...fields,
  } as ConversationDoc);
  return { id: insertedId.toHexString(), visitorId };
}

let ids = 0;
function fromVisitor(conversation: { id: string; visitorId: ObjectId }, body = 'hi'): WriteRequest {
  return {
    conversationId: conversation.id,
    clientMsgId: `c${++ids}`,
    body,
    author: { kind: 'visitor', id: conversation.visitorId.toHexString() },
    lookupStored: false,
    access: { visitorId: conversation.visitorId.toHexString() },
  };
}
function fromAgent(conversation: { id: string }, body = 'hello'): WriteRequest {
  return {
    conversationId: conversation.id,
    clientMsgId: `c${++ids}`,
    body,
    author: { kind: 'agent', id: 'agent-1', name: 'Ana' },
    lookupStored: false,
    access: 'any',
  };
}

const read = (id: string) => conversations.findOne({ _id: new ObjectId(id) });

describe('MessageWriter', () => {
  it('gives every entry one seq, unbroken per conversation, with four writers racing on the same conversations', async () => {
    const targets = await Promise.all(Array.from({ length: 5 }, () => newConversation()));
    const writers = Array.from({ length: 4 }, shared);
    const requests = Array.from({ length: 600 }, (_, i) => {
      const target = targets[i % targets.length]!;
      return {
        request: i % 3 === 0 ? fromAgent(target) : fromVisitor(target),
        by: writers[i % writers.length]!,
      };
    });
    // Sent in waves so the writers' batches interleave on the same documents.
    const results = [];
    for (let wave = 0; wave < 6; wave++) {
      const slice = requests.slice(wave * 100, wave * 100 + 100);
      results.push(...(await Promise.all(slice.map(({ request, by }) => by.write(request)))));
    }
    expect(results.every((r) => r.ok && r.created)).toBe(true);
    for (const target of targets) {
      const stored = await messages
        .find({ conversationId: new ObjectId(target.id) })
        .sort({ seq: 1 })
        .toArray();
      expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect((await read(target.id))?.seq).toBe(120);
      // What each writer acked is exactly what is stored.
      const acked = results.flatMap((r) =>
        r.ok && r.message.conversationId === target.id
          ? [[r.message.clientMsgId, r.message.seq] as const]
          : [],
      );
      expect(new Map(acked)).toEqual(new Map(stored.map((m) => [m.clientMsgId, m.seq])));
    }
  });
});

describe.each([
  ['relays that share the store', false],
  ['a sole relay', true],
] as const)('MessageWriter, %s', (_, sole) => {
  it('notices what changed behind its back: another writer, a resolve, a switch to email', async () => {
    const target = await newConversation();
    const mine = writer(sole);
    const other = writer(sole);
    const seqOf = async (w: MessageWriter, request: WriteRequest) => {
      const result = await w.write(request);
      if (!result.ok) throw new Error(result.message);
      return [result.message.seq, result.message.channel];
    };
    expect(await seqOf(mine, fromVisitor(target))).toEqual([1, 'chat']);
    expect(await seqOf(mine, fromVisitor(target))).toEqual([2, 'chat']);
    // Another relay's write moves only the counter. A sole writer then finds the seq it would
    // have handed out taken, catches up and sends again; its counter move for that seq stays a
    // gap, which clients step over.
    const gap = sole ? 1 : 0;
    expect(await seqOf(other, fromVisitor(target))).toEqual([3, 'chat']);
    expect(await seqOf(mine, fromVisitor(target))).toEqual([4 + gap, 'chat']);
    expect(await seqOf(mine, fromVisitor(target))).toEqual([5 + gap, 'chat']);
    // What an agent's actions do to the conversation, written by another part of the relay.
    await conversations.updateOne(
      { _id: new ObjectId(target.id) },
      { $set: { status: 'resolved', resolvedAt: new Date(), channel: 'email' } },
    );
    // The actions tell a sole writer (relays that share the store read the conversation anyway).
    if (sole) mine.forget(target.id);
    expect(await seqOf(mine, fromVisitor(target, 'one more question'))).toEqual([6 + gap, 'email']);
    expect(await read(target.id)).toMatchObject({ status: 'open', resolvedAt: null, seq: 6 + gap });
    const stored = await messages
      .find({ conversationId: new ObjectId(target.id) })
      .sort({ seq: 1 })
      .toArray();
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6].map((seq) => (seq > 3 ? seq + gap : seq)));
  });

  it('refuses an author whose access does not reach the conversation, and reserves nothing for it', async () => {
    const target = await newConversation();
    const siteId = (await read(target.id))!.siteId.toHexString();
    const intruder = { id: target.id, visitorId: new ObjectId() };
    // A writer that has never seen the conversation filters by access in the engine...
    expect(await writer(sole).write(fromVisitor(intruder))).toMatchObject({ ok: false, code: 'not_found' });
    // ...and one that has written to it checks the owner it remembers.
    const w = writer(sole);
    expect(await w.write(fromVisitor(target))).toMatchObject({ ok: true, message: { seq: 1 } });
    expect(await w.write(fromVisitor(intruder))).toMatchObject({ ok: false, code: 'not_found' });
    const otherSite = { ...fromAgent(target), access: { siteIds: [new ObjectId().toHexString()] } };
    expect(await w.write(otherSite)).toMatchObject({ ok: false, code: 'not_found' });
    expect(await writer(sole).write(otherSite)).toMatchObject({ ok: false, code: 'not_found' });
    const sameSite = { ...fromAgent(target), access: { siteIds: [siteId] } };
    expect(await w.write(sameSite)).toMatchObject({ ok: true, message: { seq: 2 } });
    expect((await read(target.id))?.seq).toBe(2);
    expect(await messages.countDocuments({ conversationId: new ObjectId(target.id) })).toBe(2);
  });

  it('reopens a resolved or snoozed conversation when the visitor writes, not when an agent does', async () => {
    const resolved = await newConversation({ status: 'resolved', resolvedAt: new Date() });
    const snoozed = await newConversation({ status: 'snoozed', snoozedUntil: new Date(Date.now() + 60_000) });
    const w = writer(sole);
    await w.write(fromAgent(resolved, 'a note before reopening'));
    expect((await read(resolved.id))?.status).toBe('resolved');
    await Promise.all([w.write(fromVisitor(resolved)), w.write(fromVisitor(snoozed))]);
    expect(await read(resolved.id)).toMatchObject({ status: 'open', resolvedAt: null });
    expect((await read(snoozed.id))?.status).toBe('open');
  });

  it('stamps the first response once and tracks how long the visitor has waited', async () => {
    const target = await newConversation();
    const w = writer(sole);
    await w.write(fromVisitor(target));
    const waiting = (await read(target.id))?.waitingSince;
    expect(waiting).toBeInstanceOf(Date);
    await w.write(fromVisitor(target, 'still there?'));
    expect((await read(target.id))?.waitingSince).toEqual(waiting);
    expect((await read(target.id))?.firstResponseAt).toBeNull();

    await w.write(fromAgent(target));
    const answered = await read(target.id);
    expect(answered?.waitingSince).toBeNull();
    expect(answered?.firstResponseAt).toBeInstanceOf(Date);
    await w.write(fromAgent(target, 'anything else?'));
    expect((await read(target.id))?.firstResponseAt).toEqual(answered?.firstResponseAt);

    // An agent's reply in the very next batch ends the wait the visitor's message started.
    const fresh = await newConversation();
    const first = w.write(fromVisitor(fresh));
    // Past the 1 ms batch window, so the first batch has been taken (setImmediate runs before
    // that timer, and would put both writes in one batch).
    await new Promise((resolve) => setTimeout(resolve, 10));
    const reply = w.write(fromAgent(fresh));
    await Promise.all([first, reply]);
    expect((await read(fresh.id))?.waitingSince).toBeNull();

    // In one batch, whoever wrote last decides whether the visitor is waiting.
    await Promise.all([w.write(fromAgent(target, 'sure')), w.write(fromVisitor(target, 'thanks'))]);
    expect((await read(target.id))?.waitingSince).toBeInstanceOf(Date);
    await Promise.all([w.write(fromVisitor(target, 'one more')), w.write(fromAgent(target, 'done'))]);
    expect((await read(target.id))?.waitingSince).toBeNull();
  });
});

describe('a sole writer', () => {
  const storedOf = (id: string) =>
    messages
      .find({ conversationId: new ObjectId(id) })
      .sort({ seq: 1 })
      .toArray();

  it('hands out seqs itself and keeps the counters with the timelines', async () => {
    const targets = await Promise.all(Array.from({ length: 3 }, () => newConversation()));
    const w = writer(true);
    const results = [];
    for (let wave = 0; wave < 5; wave++) {
      const sends = Array.from({ length: 30 }, (_, i) => {
        const target = targets[i % targets.length]!;
        return w.write(i % 4 === 0 ? fromAgent(target) : fromVisitor(target));
      });
      results.push(...(await Promise.all(sends)));
    }
    expect(results.every((r) => r.ok && r.created)).toBe(true);
    for (const target of targets) {
      const stored = await storedOf(target.id);
      expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await read(target.id)).toMatchObject({ seq: 50 });
    }
  });

  it('loses and doubles nothing when it is not alone after all', async () => {
    const targets = await Promise.all(Array.from({ length: 3 }, () => newConversation()));
    const writers = [writer(true), writer(true)];
    const results = [];
    for (let wave = 0; wave < 4; wave++) {
      const sends = Array.from({ length: 60 }, (_, i) => {
        const target = targets[i % targets.length]!;
        return writers[(i + wave) % 2]!.write(fromVisitor(target));
      });
      results.push(...(await Promise.all(sends)));
    }
    expect(results.every((r) => r.ok && r.created)).toBe(true);
    for (const target of targets) {
      const stored = await storedOf(target.id);
      expect(stored).toHaveLength(80);
      // What was acked is what is stored, each seq once (the unique index), none above the counter.
      const acked = results.flatMap((r) =>
        r.ok && r.message.conversationId === target.id
          ? [[r.message.clientMsgId, r.message.seq] as const]
          : [],
      );
      expect(new Map(acked)).toEqual(new Map(stored.map((m) => [m.clientMsgId, m.seq])));
      expect((await read(target.id))!.seq).toBeGreaterThanOrEqual(stored.at(-1)!.seq);
    }
  });

  /** A message stored without its counter move, as when a process dies between the two. */
  const storeBehindCounter = (target: { id: string; visitorId: ObjectId }, seq: number) =>
    messages.insertOne({
      _id: new ObjectId(),
      conversationId: new ObjectId(target.id),
      seq,
      clientMsgId: `stray-${++ids}`,
      type: 'message',
      visibility: 'all',
      channel: 'chat',
      author: { kind: 'visitor', id: target.visitorId.toHexString() },
      body: 'stored, counter not moved',
      createdAt: new Date(),
    } as MessageDoc);

  it('catches a counter up with a timeline that got ahead of it', async () => {
    const target = await newConversation();
    const w = writer(true);
    expect(await w.write(fromVisitor(target))).toMatchObject({ ok: true, message: { seq: 1 } });
    await storeBehindCounter(target, 2);
    // Both the writer that remembers the conversation and one that starts afresh find seq 2 taken.
    expect(await w.write(fromVisitor(target))).toMatchObject({
      ok: true,
      created: true,
      message: { seq: 3 },
    });
    await storeBehindCounter(target, 4);
    expect(await writer(true).write(fromVisitor(target))).toMatchObject({
      ok: true,
      created: true,
      message: { seq: 5 },
    });
    expect((await storedOf(target.id)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await read(target.id)).toMatchObject({ seq: 5 });
  });
});
