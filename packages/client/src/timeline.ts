// One conversation's messages as a client holds them, ordered by seq, and the watermark it
// resumes from: the highest seq below which it holds everything.
import type { Message } from '@parley/protocol';

export class Timeline {
  private readonly bySeq = new Map<number, Message>();
  private sorted: Message[] | null = [];
  /** Highest seq such that every message at or below it is held (or was skipped by a full sync). */
  lastSeq = 0;

  /** Adds a message; answers false when it was already held. */
  add(message: Message): boolean {
    if (this.bySeq.has(message.seq)) return false;
    this.bySeq.set(message.seq, message);
    this.sorted = null;
    while (this.bySeq.has(this.lastSeq + 1)) this.lastSeq++;
    return true;
  }

  /** After a complete sync answer, nothing at or below `seq` is missing any more. */
  settle(seq: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq;
    while (this.bySeq.has(this.lastSeq + 1)) this.lastSeq++;
  }

  has(clientMsgId: string): boolean {
    for (const message of this.bySeq.values()) if (message.clientMsgId === clientMsgId) return true;
    return false;
  }

  messages(): readonly Message[] {
    this.sorted ??= [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    return this.sorted;
  }
}
