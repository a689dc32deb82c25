// The baseline for the relay bench: a bare Socket.IO server that acks each message and forwards
// it to the paired agent socket. No validation, no database: the ceiling Parley is measured against.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { maxHttpBufferSize: 64 * 1024 });
io.on('connection', (socket) => {
  const pair = String(socket.handshake.query.pair ?? '');
  socket.join(`pair:${pair}`);
  socket.on('message:send', (payload: unknown, ack: (result: unknown) => void) => {
    socket.to(`pair:${pair}`).emit('message', payload);
    ack({ ok: true, message: payload });
  });
});
http.listen(0, '127.0.0.1', () => {
  console.log(`BARE_READY http://127.0.0.1:${(http.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
