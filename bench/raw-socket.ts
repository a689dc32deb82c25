// A Socket.IO client cut down to what the realistic bench needs, over a bare WebSocket: the
// engine.io handshake and pings, one namespace, acks and pre-built frames. socket.io-client
// decodes every packet it gets; 200 agents receiving 20,000 messages a second would make the
// load generator, not the relay, the thing measured.
import WebSocket from 'ws';

export interface RawSocketOptions {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** e.g. /visitor */
  namespace: string;
  auth: object;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

export class RawSocket {
  /** Called with every text frame that is not the engine's or an ack this class is waiting for. */
  onFrame: (frame: string) => void = () => {};
  private nextAck = 0;
  private readonly acks = new Map<number, (result: unknown) => void>();
  private readonly ackPrefix: string;

  private constructor(
    private readonly ws: WebSocket,
    readonly namespace: string,
  ) {
    this.ackPrefix = `43${namespace},`;
  }

  /** Opens the socket and joins the namespace; rejects on the server's connect error. */
  static connect(options: RawSocketOptions): Promise<RawSocket> {
    const query = new URLSearchParams({ ...options.query, EIO: '4', transport: 'websocket' });
    const ws = new WebSocket(`${options.url.replace(/^http/, 'ws')}/socket.io/?${query}`, {
      headers: options.headers ?? {},
      perMessageDeflate: false,
    });
    const socket = new RawSocket(ws, options.namespace);
    const joined = `40${options.namespace},`;
    const refused = `44${options.namespace},`;
    return new Promise((resolve, reject) => {
      let open = false;
      ws.on('error', reject);
      ws.on('close', () => {
        if (!open) reject(new Error('closed before the namespace answered'));
      });
      ws.on('message', (data: Buffer) => {
        const frame = data.toString();
        if (frame === '2') ws.send('3');
        else if (frame.startsWith('0{')) ws.send(`${joined}${JSON.stringify(options.auth)}`);
        else if (!open && frame.startsWith(joined)) {
          open = true;
          resolve(socket);
        } else if (frame.startsWith(refused)) reject(new Error(frame.slice(refused.length)));
        else if (frame.startsWith(socket.ackPrefix) && socket.acks.size > 0) socket.settle(frame);
        else socket.onFrame(frame);
      });
    });
  }

  /** The ack id the next emit will carry; pre-built frames take theirs from here. */
  takeAckId(): number {
    return this.nextAck++;
  }

  /** Sends a frame built by the caller (`42/ns,<id>[...]`). */
  send(frame: string): void {
    this.ws.send(frame);
  }

  /** Emits `event` and resolves with the server's ack (for setup: it parses JSON). */
  emitWithAck(event: string, payload: unknown): Promise<unknown> {
    const id = this.takeAckId();
    return new Promise((resolve) => {
      this.acks.set(id, resolve);
      this.ws.send(`42${this.namespace},${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.ws.close();
  }

  private settle(frame: string): void {
    const rest = frame.slice(this.ackPrefix.length);
    const bracket = rest.indexOf('[');
    const id = Number(rest.slice(0, bracket));
    const resolve = this.acks.get(id);
    if (!resolve) {
      this.onFrame(frame);
      return;
    }
    this.acks.delete(id);
    resolve((JSON.parse(rest.slice(bracket)) as unknown[])[0]);
  }
}
