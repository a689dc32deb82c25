// Socket.IO's packet format without binary support, used in place of socket.io-parser in the
// widget build: the relay and the widget only ever exchange JSON, and the binary machinery
// (attachments, reconstruction) is about a kilobyte of the first open. Same text on the wire.

export const protocol = 5;

export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
  BINARY_EVENT: 5,
  BINARY_ACK: 6,
} as const;

export interface Packet {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

export class Encoder {
  encode(packet: Packet): string[] {
    let text = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) text += packet.id;
    if (packet.data !== undefined) text += JSON.stringify(packet.data);
    return [text];
  }
}

const PACKET = /^([0-4])(\/[^,]*,)?(\d+)?([\s\S]*)$/;

export class Decoder {
  private listener: ((packet: Packet) => void) | null = null;

  on(_event: 'decoded', listener: (packet: Packet) => void): this {
    this.listener = listener;
    return this;
  }

  off(): this {
    this.listener = null;
    return this;
  }

  /** Decodes one packet; throws on anything malformed, which the Manager treats as a parse error. */
  add(data: unknown): void {
    const match = typeof data === 'string' ? PACKET.exec(data) : null;
    if (!match) throw new Error('unsupported packet');
    const packet: Packet = { type: Number(match[1]), nsp: match[2] ? match[2].slice(0, -1) : '/' };
    if (match[3]) packet.id = Number(match[3]);
    if (match[4]) packet.data = JSON.parse(match[4]);
    this.listener?.(packet);
  }

  destroy(): void {
    this.listener = null;
  }
}
