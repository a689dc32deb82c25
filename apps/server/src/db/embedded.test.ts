import { serialize } from 'bson';
import fc from 'fast-check';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../testing';
import { commandName } from './embedded';

function opMsg(
  body: Record<string, unknown>,
  sequence?: { id: string; docs: Record<string, unknown>[] },
): Buffer {
  const parts: Buffer[] = [Buffer.alloc(4)];
  if (sequence) {
    const docs = Buffer.concat(sequence.docs.map((d) => Buffer.from(serialize(d))));
    const id = Buffer.from(`${sequence.id}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.length);
    parts.push(Buffer.from([1]), size, id, docs);
  }
  parts.push(Buffer.from([0]), Buffer.from(serialize(body)));
  const payload = Buffer.concat(parts);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(7, 4);
  header.writeInt32LE(2013, 12);
  return Buffer.concat([header, payload]);
}

describe('commandName', () => {
  it('reads the first key of the body section, past document sequences', () => {
    expect(commandName(opMsg({ endSessions: [{ id: 1 }], $db: 'admin' }))).toBe('endSessions');
    expect(
      commandName(
        opMsg({ insert: 'messages', $db: 'parley' }, { id: 'documents', docs: [{ a: 1 }, { b: 2 }] }),
      ),
    ).toBe('insert');
  });

  it('answers undefined for anything that is not an OP_MSG with a body', () => {
    const query = opMsg({ isMaster: 1 });
    query.writeInt32LE(2004, 12);
    expect(commandName(query)).toBeUndefined();
    expect(commandName(Buffer.alloc(10))).toBeUndefined();
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.boolean(), (bytes, asMsg) => {
        const buf = Buffer.from(bytes);
        if (asMsg && buf.length >= 16) buf.writeInt32LE(2013, 12);
        try {
          const name = commandName(buf);
          expect(name === undefined || typeof name === 'string').toBe(true);
        } catch (error) {
          // Reading past the end of a truncated message is a RangeError the shim turns into a
          // dropped connection; nothing else may escape.
          expect(error).toBeInstanceOf(RangeError);
        }
      }),
    );
  });
});

describe('the embedded engine behind the shim', () => {
  it('survives clients that close (the driver sends endSessions) and keeps their data', async () => {
    const { uri, dbName } = testDatabase();
    for (let round = 0; round < 3; round++) {
      const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
      await connection.collection('rounds').insertOne({ round });
      await connection.close();
    }
    const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
    expect(await connection.collection('rounds').countDocuments()).toBe(3);
    const refused = await connection
      .db!.admin()
      .command({ startSession: 1 })
      .catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    await connection.close();
  });
});
