// A Parley connection as a widget, a console or a test holds it: it keeps the outbox, retries
// with the same client id until the relay acks, tracks each timeline's lastSeq and replays what
// it missed on every (re)connect, on `online`, and when the page becomes visible again.
import type {
  AckedEvent,
  AckResult,
  ClientToServerEvents,
  EventPayload,
  Failure,
  Message,
  SeenEvent,
  ServerToClientEvents,
  SyncResult,
  TypingEvent,
  VisitorClientToServerEvents,
  VisitorConversation,
  VisitorServerToClientEvents,
  VisitorSession,
} from '@parley/protocol';
import { MAX_MESSAGE_LENGTH, MAX_SYNC_CONVERSATIONS, RETRYABLE_CODES } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { type KeyValueStore, memoryStore, Outbox, type OutboxItem } from './outbox';
import { Timeline } from './timeline';

/** A message as a view shows it: stored ones are `sent` or `seen`; the outbox's are `sending` or `failed`. */
export type TimelineEntry =
  | (Message & { status: 'sent' | 'seen' })
  | {
      status: 'sending' | 'failed';
      clientMsgId: string;
      conversationId: string | null;
      body: string;
      createdAt: string;
      error?: { code: string; message: string };
    };

/** `C`: what the relay tells this side of a conversation (a visitor's view, or an agent's whole one). */
export interface ChatClientEvents<C extends VisitorConversation = VisitorConversation> {
  message: (message: Message) => void;
  conversation: (conversation: C) => void;
  typing: (event: TypingEvent) => void;
  seen: (event: SeenEvent) => void;
  session: (session: VisitorSession) => void;
  /** Any change a view should re-render for. */
  change: () => void;
  /** The relay refused the connection (bad key, origin, token): `code` says why. */
  refused: (error: { code: string; message: string }) => void;
}

export interface ChatClientOptions {
  /** Where the outbox lives; memory unless given. */
  store?: KeyValueStore;
  /** Storage key prefix, so two sites or agents never share an outbox. */
  storageKey?: string;
  /** How long to wait for an ack before treating the send as lost and retrying. */
  ackTimeoutMs?: number;
}

/** The parts of `window` the client listens to; typed here so Node code needs no DOM types. */
interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}
interface PageTarget extends EventTargetLike {
  document?: EventTargetLike & { visibilityState: string };
}

/** What a namespace's `conversation` events carry: a visitor's view, or an agent's whole Conversation. */
export type ConversationOf<Listen> =
  Listen extends ServerToClientEvents<infer C extends VisitorConversation> ? C : never;

/**
 * What every client listens for and sends: the events of both namespaces, with the namespace's
 * conversation shape, and `session`, which only a visitor is sent. socket.io cannot type `on`
 * over a generic event map, so the client's own listeners and requests go through this view.
 */
type SharedSocket<C extends VisitorConversation> = Socket<
  ServerToClientEvents<C> & Pick<VisitorServerToClientEvents, 'session'>,
  ClientToServerEvents<C>
>;

const randomId = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

/** A fresh client-generated id for a message or a conversation start. */
export const newClientId = randomId;

/**
 * A connection to one namespace: `Listen` is what the relay sends it, `Emit` what it may send;
 * the conversation shape follows from `Listen` (ConversationOf). connectVisitor and connectAgent
 * answer the two (VisitorChatClient, AgentChatClient); a bare `ChatClient` is a visitor's. Either
 * namespace's maps meet both bounds: a visitor's conversation is the narrower shape.
 */
export class ChatClient<
  Listen extends ServerToClientEvents = VisitorServerToClientEvents,
  Emit extends ClientToServerEvents<VisitorConversation> = VisitorClientToServerEvents,
> {
  readonly conversations = new Map<string, ConversationOf<Listen>>();
  private readonly timelines = new Map<string, Timeline>();
  private readonly followed = new Set<string>();
  private readonly outbox: Outbox;
  private readonly listeners = new Map<
    keyof ChatClientEvents<ConversationOf<Listen>>,
    Set<(...args: never[]) => void>
  >();
  private readonly ackTimeoutMs: number;
  private generation = 0;
  private flushing = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = 500;
  /** Ids this page queued and has not sent yet: only these are surely new to the relay. */
  private readonly unsent = new Set<string>();
  private readonly detach: () => void;
  session: VisitorSession | null = null;

  constructor(
    readonly socket: SharedSocket<ConversationOf<Listen>> & Socket<Listen, Emit>,
    options: ChatClientOptions = {},
  ) {
    this.outbox = new Outbox(options.store ?? memoryStore(), `${options.storageKey ?? 'parley'}:outbox`);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 8000;
    for (const item of this.outbox.all()) if (item.conversationId) this.followed.add(item.conversationId);

    socket.on('connect', () => {
      this.generation++;
      this.flushing = false;
      this.retryDelay = 500;
      void this.resync().then(() => this.flush());
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (error.data?.code) this.emit('refused', { code: error.data.code, message: error.message });
    });
    socket.on('session', (session) => {
      this.session = session;
      this.emit('session', session);
    });
    socket.on('message', (message) => this.receive(message));
    socket.on('conversation', (conversation) => this.upsertConversation(conversation));
    socket.on('typing', (event) => this.emit('typing', event));
    socket.on('seen', (event) => {
      const conversation = this.conversations.get(event.conversationId);
      if (conversation) {
        const field = event.by === 'visitor' ? 'visitorSeenSeq' : 'agentSeenSeq';
        conversation[field] = Math.max(conversation[field], event.seq);
      }
      this.emit('seen', event);
      this.emit('change');
    });

    const wake = () => {
      if (!socket.connected) socket.connect();
      else void this.resync().then(() => this.flush());
    };
    const page = (globalThis as { window?: PageTarget }).window;
    const onVisible = () => {
      if (page?.document?.visibilityState !== 'hidden') wake();
    };
    page?.addEventListener('online', wake);
    page?.addEventListener('pageshow', wake);
    page?.document?.addEventListener('visibilitychange', onVisible);
    this.detach = () => {
      page?.removeEventListener('online', wake);
      page?.removeEventListener('pageshow', wake);
      page?.document?.removeEventListener('visibilitychange', onVisible);
    };
  }

  on<E extends keyof ChatClientEvents<ConversationOf<Listen>>>(
    event: E,
    listener: ChatClientEvents<ConversationOf<Listen>>[E],
  ): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (...args: never[]) => void);
    return () => set.delete(listener as (...args: never[]) => void);
  }

  private emit<E extends keyof ChatClientEvents<ConversationOf<Listen>>>(
    event: E,
    ...args: Parameters<ChatClientEvents<ConversationOf<Listen>>[E]>
  ): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => void)(...args);
  }

  private timelineOf(conversationId: string): Timeline {
    let timeline = this.timelines.get(conversationId);
    if (!timeline) {
      timeline = new Timeline();
      this.timelines.set(conversationId, timeline);
    }
    return timeline;
  }

  private upsertConversation(conversation: ConversationOf<Listen>): void {
    this.conversations.set(conversation.id, conversation);
    this.emit('conversation', conversation);
    this.emit('change');
  }

  private receive(message: Message): void {
    const added = this.timelineOf(message.conversationId).add(message);
    this.outbox.remove(message.clientMsgId);
    const conversation = this.conversations.get(message.conversationId);
    if (conversation && message.seq > conversation.seq) conversation.seq = message.seq;
    if (added) this.emit('message', message);
    this.emit('change');
  }

  /** Follows conversations (agents): their timelines are replayed now and after every reconnect. */
  async follow(...conversationIds: string[]): Promise<void> {
    for (const id of conversationIds) this.followed.add(id);
    await this.resync();
  }

  /** The highest seq of a conversation below which this client holds every message. */
  lastSeq(conversationId: string): number {
    return this.timelines.get(conversationId)?.lastSeq ?? 0;
  }

  /** Stored messages followed by this conversation's unsent ones, each with its delivery state. */
  timeline(conversationId: string | null, startKey?: string): TimelineEntry[] {
    const conversation = conversationId ? this.conversations.get(conversationId) : undefined;
    const seenBy = (message: Message) =>
      conversation &&
      (message.author.kind === 'visitor' ? conversation.agentSeenSeq : conversation.visitorSeenSeq) >=
        message.seq
        ? ('seen' as const)
        : ('sent' as const);
    const stored: TimelineEntry[] = conversationId
      ? (this.timelines.get(conversationId)?.messages() ?? []).map((m) => ({ ...m, status: seenBy(m) }))
      : [];
    const pending = this.outbox
      .all()
      .filter(
        (item) =>
          (conversationId && item.conversationId === conversationId) ||
          (startKey && item.startKey === startKey),
      )
      .map(({ startKey: _s, ...item }) => item);
    return [...stored, ...pending];
  }

  /** Everything waiting in the outbox. */
  pending(): readonly OutboxItem[] {
    return this.outbox.all();
  }

  /**
   * Queues a message and sends it as soon as the relay is reachable; answers its client id.
   * `target` is a conversation id, or `{ startKey }` to start a new conversation with it.
   * @example client.send(conversationId, 'Where is my order?')
   */
  send(target: string | { startKey: string }, body: string): string {
    const text = body.trim();
    if (!text) throw new Error('message is empty');
    if (text.length > MAX_MESSAGE_LENGTH)
      throw new Error(`messages are limited to ${MAX_MESSAGE_LENGTH} characters`);
    const clientMsgId = randomId();
    const item: OutboxItem =
      typeof target === 'string'
        ? {
            clientMsgId,
            conversationId: target,
            body: text,
            createdAt: new Date().toISOString(),
            status: 'sending',
          }
        : {
            clientMsgId,
            conversationId: null,
            startKey: target.startKey,
            body: text,
            createdAt: new Date().toISOString(),
            status: 'sending',
          };
    this.outbox.add(item);
    this.unsent.add(clientMsgId);
    if (item.conversationId) this.followed.add(item.conversationId);
    this.emit('change');
    void this.flush();
    return clientMsgId;
  }

  /** Sends a failed message again, with the same client id. */
  retry(clientMsgId: string): void {
    this.outbox.update(clientMsgId, { status: 'sending', error: undefined });
    this.emit('change');
    void this.flush();
  }

  /** Drops a failed message the user gave up on. */
  discard(clientMsgId: string): void {
    this.outbox.remove(clientMsgId);
    this.emit('change');
  }

  setTyping(conversationId: string, typing: boolean): void {
    if (this.socket.connected) this.socket.volatile.emit('typing', { conversationId, typing });
  }

  /** Tells the other side this client has seen the conversation up to its last held message. */
  async markSeen(conversationId: string): Promise<void> {
    const seq = this.lastSeq(conversationId);
    if (seq === 0 || !this.socket.connected) return;
    await this.request('seen', { conversationId, seq });
  }

  /** Starts (or, for a retried key, finds) a visitor conversation. */
  async start(
    this: ChatClient<VisitorServerToClientEvents, VisitorClientToServerEvents>,
    startKey: string,
  ): Promise<AckResult<VisitorClientToServerEvents, 'conversation:start'>> {
    const result = await this.request('conversation:start', { startKey });
    if (result.ok) {
      this.followed.add(result.conversation.id);
      this.outbox.bind(startKey, result.conversation.id);
      this.upsertConversation(result.conversation);
    }
    return result;
  }

  /**
   * Emits one of this namespace's acked events and answers the ack, typed by the event map as
   * socket.io's `emitWithAck` is; 'unavailable' when no answer comes within `timeoutMs`. For the
   * events this class has no method for (availability, notes...).
   * @example const result = await client.request('availability', {}) // Result<{ availability }>
   */
  request<E extends AckedEvent<Emit>>(
    event: E,
    payload: EventPayload<Emit, E>,
    timeoutMs?: number,
  ): Promise<AckResult<Emit, E>>;
  /** The events of both namespaces, for this class's own calls, where `Emit` is still open. */
  request<E extends AckedEvent<ClientToServerEvents<ConversationOf<Listen>>>>(
    event: E,
    payload: EventPayload<ClientToServerEvents<ConversationOf<Listen>>, E>,
    timeoutMs?: number,
  ): Promise<AckResult<ClientToServerEvents<ConversationOf<Listen>>, E>>;
  async request(event: string, payload: unknown, timeoutMs = this.ackTimeoutMs): Promise<unknown> {
    try {
      // The overloads above type the call; socket.io's own types cannot follow a generic map here.
      const socket: Socket = this.socket.timeout(timeoutMs);
      return await socket.emitWithAck(event, payload);
    } catch {
      return { ok: false, code: 'unavailable', message: 'no answer from the relay' } satisfies Failure;
    }
  }

  /**
   * Replays every message missed in the followed conversations (a visitor also learns of its
   * others). Agents hear of every conversation on their sites but replay only those they follow,
   * in pages the relay accepts.
   */
  async resync(): Promise<void> {
    if (!this.socket.connected) return;
    const followed = [...this.followed];
    const chunks: string[][] = [];
    for (let i = 0; i < followed.length; i += MAX_SYNC_CONVERSATIONS) {
      chunks.push(followed.slice(i, i + MAX_SYNC_CONVERSATIONS));
    }
    if (chunks.length === 0) chunks.push([]);
    for (const chunk of chunks) {
      for (let page = 0; page < 100; page++) {
        const conversations = chunk.map((conversationId) => ({
          conversationId,
          afterSeq: this.lastSeq(conversationId),
        }));
        const result = await this.request('sync', { conversations });
        if (!result.ok) return;
        this.applySync(result);
        if (result.more.length === 0) break;
        // Every conversation that came is asked for by name from now on, after what it brought:
        // one the relay listed unasked would otherwise be replayed from the start on each page.
        for (const id of [...result.more, ...result.conversations.map((c) => c.id)]) {
          if (!chunk.includes(id) && chunk.length < MAX_SYNC_CONVERSATIONS) chunk.push(id);
        }
      }
    }
  }

  private applySync(result: SyncResult<ConversationOf<Listen>>): void {
    for (const conversation of result.conversations) {
      this.followed.add(conversation.id);
      this.conversations.set(conversation.id, conversation);
    }
    for (const message of result.messages) this.receive(message);
    for (const conversation of result.conversations) {
      if (!result.more.includes(conversation.id)) {
        const held = result.messages.filter((m) => m.conversationId === conversation.id).map((m) => m.seq);
        this.timelineOf(conversation.id).settle(Math.max(0, ...held));
      }
      this.emit('conversation', conversation);
    }
    this.emit('change');
  }

  /** Sends the outbox in order, one at a time, so a conversation's messages keep their order. */
  async flush(): Promise<void> {
    if (this.flushing || !this.socket.connected) return;
    this.flushing = true;
    const generation = this.generation;
    try {
      this.outbox.reload();
      const attempted = new Set<string>();
      for (;;) {
        if (generation !== this.generation || !this.socket.connected) return;
        // Re-read every turn: sends made while this loop awaits join the same pass, in order.
        const item = this.outbox.all().find((i) => i.status === 'sending' && !attempted.has(i.clientMsgId));
        if (!item) return;
        attempted.add(item.clientMsgId);
        let conversationId = item.conversationId;
        if (!conversationId && item.startKey) {
          const started = await this.start(item.startKey);
          if (!started.ok) {
            if (this.settleFailure(item, started)) continue;
            return;
          }
          conversationId = started.conversation.id;
        }
        if (!conversationId) continue;
        // A first send skips the relay's lookup for a stored copy; anything that may have been sent
        // before (by this page, an earlier one or another tab) asks for it.
        const retry = !this.unsent.delete(item.clientMsgId);
        const result = await this.request('message:send', {
          conversationId,
          clientMsgId: item.clientMsgId,
          body: item.body,
          ...(retry ? { retry: true } : {}),
        });
        if (result.ok) {
          this.retryDelay = 500;
          this.receive(result.message);
        } else if (!this.settleFailure(item, result)) {
          return;
        }
      }
    } finally {
      if (generation === this.generation) this.flushing = false;
    }
  }

  /** Marks a final failure on the item and answers true, or schedules a retry and answers false. */
  private settleFailure(item: OutboxItem, failure: Failure): boolean {
    if (RETRYABLE_CODES.has(failure.code)) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.flush(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 10_000);
      return false;
    }
    this.outbox.update(item.clientMsgId, {
      status: 'failed',
      error: { code: failure.code, message: failure.message },
    });
    this.emit('change');
    return true;
  }

  close(): void {
    clearTimeout(this.retryTimer);
    this.detach();
    this.socket.disconnect();
  }
}
