// The relay bench's second baseline: a persisted Socket.IO relay as most Node chat servers are
// written. Each message is validated, stored with its own journaled insertOne on the same engine,
// then acked and emitted to the site's agents. No batching, no seqs, no retries' lookup, no
// rate limits: what the relay's group commit is measured against.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendMessageSchema } from '@parley/protocol/schemas';
import { MongoClient, ObjectId } from 'mongodb';
import { Server } from 'socket.io';

const client = new MongoClient(process.env.MONGODB_URI ?? '');
await client.connect();
const messages = client.db(process.env.MONGODB_DB).collection('messages');
await messages.createIndex({ conversationId: 1, createdAt: 1 });

const http = createServer();
const io = new Server(http, { maxHttpBufferSize: 64 * 1024 });
const siteKeyOf = (auth: unknown) => String((auth as { siteKey?: unknown }).siteKey ?? '');

io.of('/agent').on('connection', (socket) => {
  socket.join(`site:${siteKeyOf(socket.handshake.auth)}`);
});
io.of('/visitor').on('connection', (socket) => {
  const room = `site:${siteKeyOf(socket.handshake.auth)}`;
  socket.on('message:send', async (payload: unknown, ack: (result: unknown) => void) => {
    const parsed = sendMessageSchema.safeParse(payload);
    if (!parsed.success) return ack({ ok: false, code: 'bad_request', message: parsed.error.message });
    const { conversationId, clientMsgId, body } = parsed.data;
    const message = {
      _id: new ObjectId(),
      conversationId: new ObjectId(conversationId),
      clientMsgId,
      author: { kind: 'visitor', id: socket.id },
      body,
      createdAt: new Date(),
    };
    try {
      await messages.insertOne(message, { writeConcern: { w: 1, j: true } });
    } catch (error) {
      return ack({ ok: false, code: 'unavailable', message: (error as Error).message });
    }
    const { _id, ...fields } = message;
    const sent = {
      ...fields,
      id: _id.toHexString(),
      conversationId,
      createdAt: fields.createdAt.toISOString(),
    };
    ack({ ok: true, message: sent });
    io.of('/agent').to(room).emit('message', sent);
  });
});
http.listen(0, '127.0.0.1', () => {
  console.log(`PLAIN_READY http://127.0.0.1:${(http.address() as AddressInfo).port}`);
});
process.on('SIGTERM', async () => {
  await client.close();
  process.exit(0);
});
