// The writer against the real engine: several writers standing in for relay nodes share one
// store, and every seq is handed out exactly once, in one unbroken run per conversation.
import { type Collection, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../db/connect';
import { testDatabase } from '../testing';
import { type ConversationDoc, conversationModel, type MessageDoc, messageModel } from './model';
import { MessageWriter, runStart, type WriteRequest } from './writer';

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

const writer = () => new MessageWriter(conversations, messages, 1);

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

describe('runStart', () => {
  it('counts back from the counter over the runs logged after ours', () => {
    const runs = [
      { by: 'a:1:0', n: 3 },
      { by: 'b:1:0', n: 2 },
      { by: 'a:2:0', n: 4 },
    ];
    expect(runStart(9, runs, 'a:2:0')).toBe(6);
    expect(runStart(9, runs, 'b:1:0')).toBe(4);
    expect(runStart(9, runs, 'a:1:0')).toBe(1);
    // The log keeps only the latest runs; older seqs came before it.
    expect(runStart(109, runs, 'a:1:0')).toBe(101);
    expect(runStart(9, runs, 'c:1:0')).toBeUndefined();
    expect(runStart(0, [], 'a:1:0')).toBeUndefined();
  });
});

describe('MessageWriter', () => {
  it('gives every entry one seq, unbroken per conversation, with four writers racing on the same conversations', async () => {
    const targets = await Promise.all(Array.from({ length: 5 }, () => newConversation()));
    const writers = Array.from({ length: 4 }, writer);
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

  it('notices what changed behind its back: another writer, a resolve, a switch to email', async () => {
    const target = await newConversation();
    const mine = writer();
    const other = writer();
    const seqOf = async (w: MessageWriter, request: WriteRequest) => {
      const result = await w.write(request);
      if (!result.ok) throw new Error(result.message);
      return [result.message.seq, result.message.channel];
    };
    expect(await seqOf(mine, fromVisitor(target))).toEqual([1, 'chat']);
    expect(await seqOf(mine, fromVisitor(target))).toEqual([2, 'chat']);
    // Another relay's write moves only the counter.
    expect(await seqOf(other, fromVisitor(target))).toEqual([3, 'chat']);
    expect(await seqOf(mine, fromVisitor(target))).toEqual([4, 'chat']);
    expect(await seqOf(mine, fromVisitor(target))).toEqual([5, 'chat']);
    // What an agent's actions do to the conversation, written by another part of the relay.
    await conversations.updateOne(
      { _id: new ObjectId(target.id) },
      { $set: { status: 'resolved', resolvedAt: new Date(), channel: 'email' } },
    );
    expect(await seqOf(mine, fromVisitor(target, 'one more question'))).toEqual([6, 'email']);
    expect(await read(target.id)).toMatchObject({ status: 'open', resolvedAt: null, seq: 6 });
    const stored = await messages
      .find({ conversationId: new ObjectId(target.id) })
      .sort({ seq: 1 })
      .toArray();
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses an author whose access does not reach the conversation, and reserves nothing for it', async () => {
    const target = await newConversation();
    const siteId = (await read(target.id))!.siteId.toHexString();
    const intruder = { id: target.id, visitorId: new ObjectId() };
    // A writer that has never seen the conversation filters by access in the engine...
    expect(await writer().write(fromVisitor(intruder))).toMatchObject({ ok: false, code: 'not_found' });
    // ...and one that has written to it checks the owner it remembers.
    const w = writer();
    expect(await w.write(fromVisitor(target))).toMatchObject({ ok: true, message: { seq: 1 } });
    expect(await w.write(fromVisitor(intruder))).toMatchObject({ ok: false, code: 'not_found' });
    const otherSite = { ...fromAgent(target), access: { siteIds: [new ObjectId().toHexString()] } };
    expect(await w.write(otherSite)).toMatchObject({ ok: false, code: 'not_found' });
    expect(await writer().write(otherSite)).toMatchObject({ ok: false, code: 'not_found' });
    const sameSite = { ...fromAgent(target), access: { siteIds: [siteId] } };
    expect(await w.write(sameSite)).toMatchObject({ ok: true, message: { seq: 2 } });
    expect((await read(target.id))?.seq).toBe(2);
    expect(await messages.countDocuments({ conversationId: new ObjectId(target.id) })).toBe(2);
  });

  it('still tells a refused author not_found once the run log is full', async () => {
    const target = await newConversation();
    const w = writer();
    for (let i = 0; i < 40; i++) expect((await w.write(fromVisitor(target))).ok).toBe(true);
    const log = await conversations.findOne({ _id: new ObjectId(target.id) }, { projection: { seqRuns: 1 } });
    expect((log as { seqRuns?: unknown[] }).seqRuns).toHaveLength(32);
    // A writer that has not seen the conversation, so the refusal comes from the engine's filter.
    const result = await writer().write(fromVisitor({ id: target.id, visitorId: new ObjectId() }));
    expect(result).toMatchObject({ ok: false, code: 'not_found' });
    expect((await read(target.id))?.seq).toBe(40);
  });

  it('reopens a resolved or snoozed conversation when the visitor writes, not when an agent does', async () => {
    const resolved = await newConversation({ status: 'resolved', resolvedAt: new Date() });
    const snoozed = await newConversation({ status: 'snoozed', snoozedUntil: new Date(Date.now() + 60_000) });
    const w = writer();
    await w.write(fromAgent(resolved, 'a note before reopening'));
    expect((await read(resolved.id))?.status).toBe('resolved');
    await Promise.all([w.write(fromVisitor(resolved)), w.write(fromVisitor(snoozed))]);
    expect(await read(resolved.id)).toMatchObject({ status: 'open', resolvedAt: null });
    expect((await read(snoozed.id))?.status).toBe('open');
  });

  it('stamps the first response once and tracks how long the visitor has waited', async () => {
    const target = await newConversation();
    const w = writer();
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
    await new Promise((resolve) => setImmediate(resolve));
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
