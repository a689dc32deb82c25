// The outbox's two claims on the real engine: of any number of workers asking at once, one gets a
// due item; a claim whose lease ran out is taken over; a claim counts its attempt.
import { randomBytes } from 'node:crypto';
import { type Collection, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../testing';
import { claimEntry, claimItem, OUTBOX_POLICY } from './outbox';

let client: MongoClient;
let items: Collection<{ name: string; dueAt: Date; leaseUntil: Date; attempts: number }>;
let meetings: Collection<{
  mails: { dueAt: Date; state: string; claimedAt: Date | null; claimToken: string | null }[];
}>;

beforeAll(async () => {
  const { uri, dbName } = testDatabase();
  client = await MongoClient.connect(uri);
  const db = client.db(dbName);
  items = db.collection(`items_${randomBytes(4).toString('hex')}`);
  meetings = db.collection(`meetings_${randomBytes(4).toString('hex')}`);
});
afterAll(() => client.close());

describe('claimItem', () => {
  it('hands a due item to one of many workers, counts the attempt, and lets a dead claim be taken over', async () => {
    const now = new Date();
    await items.insertOne({
      name: 'due',
      dueAt: new Date(now.getTime() - 1000),
      leaseUntil: new Date(0),
      attempts: 0,
    });
    await items.insertOne({
      name: 'later',
      dueAt: new Date(now.getTime() + 60_000),
      leaseUntil: new Date(0),
      attempts: 0,
    });
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimItem(items, {}, now)));
    const won = claims.filter((c) => c !== null);
    expect(won.map((c) => c!.name)).toEqual(['due']);
    expect(won[0]).toMatchObject({ attempts: 1 });
    expect(won[0]!.leaseUntil.getTime()).toBe(now.getTime() + OUTBOX_POLICY.leaseMs);
    // The lease holds until it runs out; then another worker takes the item over.
    expect(
      await claimItem(items, { name: 'due' }, new Date(now.getTime() + OUTBOX_POLICY.leaseMs - 1)),
    ).toBeNull();
    const later = new Date(now.getTime() + OUTBOX_POLICY.leaseMs);
    expect(await claimItem(items, { name: 'due' }, later)).toMatchObject({ name: 'due', attempts: 2 });
  });
});

describe('claimEntry', () => {
  it('hands a due entry to one of many workers, and takes over a claim whose lease ran out', async () => {
    const now = new Date();
    const { insertedId } = await meetings.insertOne({
      mails: [
        { dueAt: new Date(now.getTime() + 60_000), state: 'pending', claimedAt: null, claimToken: null },
        { dueAt: new Date(now.getTime() - 1000), state: 'pending', claimedAt: null, claimToken: null },
      ],
    });
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => claimEntry(meetings, 'mails', { _id: insertedId }, now, 60_000)),
    );
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    const { doc, claimToken, mine } = won[0]!;
    expect(doc.mails[1]).toMatchObject({ state: 'sending', claimToken });
    expect(doc.mails[0]).toMatchObject({ state: 'pending' });
    expect(await meetings.countDocuments(mine)).toBe(1);
    expect(
      await claimEntry(meetings, 'mails', { _id: insertedId }, new Date(now.getTime() + 59_000), 60_000),
    ).toBeNull();
    const taken = await claimEntry(
      meetings,
      'mails',
      { _id: insertedId },
      new Date(now.getTime() + 61_000),
      60_000,
    );
    expect(taken?.claimToken).not.toBe(claimToken);
  });
});
