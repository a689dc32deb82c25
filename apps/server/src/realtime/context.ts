// What the two namespaces share: typed namespaces, room names, and the handshake helpers.
import type {
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  ErrorCode,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '@parley/protocol';
import type { Namespace, Socket } from 'socket.io';
import type { Agent } from '../agents/service';
import type { Config } from '../config';
import type { Services } from '../services';
import { RateBuckets, SharedBuckets, type SharedStore } from '../shared/rate-buckets';
import type { Site } from '../sites/service';
import type { Visitor } from '../visitors/service';

export interface VisitorData {
  site: Site;
  visitor: Visitor;
  token: string | undefined;
  /** False for a visitor minted at this handshake or an earlier one who has done nothing yet. */
  stored: boolean;
  /** A browser opened from a continue link: the one conversation it may reach and hear of. */
  conversationId: string | null;
}
export interface AgentData {
  agent: Agent;
}

export type VisitorNamespace = Namespace<
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
  object,
  VisitorData
>;
export type AgentNamespace = Namespace<
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  object,
  AgentData
>;
export type VisitorSocket = Socket<
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
  object,
  VisitorData
>;
export type AgentSocket = Socket<AgentClientToServerEvents, AgentServerToClientEvents, object, AgentData>;

export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
/** Where a browser that may reach only one of its visitor's conversations listens. */
export const visitorConversationRoom = (visitorId: string, conversationId: string) =>
  `visitor:${visitorId}:${conversationId}`;
/** The visitor sockets that hear of a conversation: the visitor's own, and those scoped to it. */
export const visitorRooms = (visitorId: string, conversationId: string) => [
  visitorRoom(visitorId),
  visitorConversationRoom(visitorId, conversationId),
];
export const siteRoom = (siteId: string) => `site:${siteId}`;
/** A site's visitors (in the visitor namespace), told when the site's availability changes. */
export const siteVisitorsRoom = (siteId: string) => `site-visitors:${siteId}`;
export const agentRoom = (agentId: string) => `agent:${agentId}`;
export const ADMINS = 'admins';

export interface RealtimeContext {
  services: Services;
  config: Config;
  visitors: VisitorNamespace;
  agents: AgentNamespace;
  relayOrigin: string;
  /** Agents who may see a site: its agents and every admin. */
  toAgents(siteId: string): ReturnType<AgentNamespace['to']>;
  limits: RateLimits;
  /** The client address a socket's per-address limits count (PARLEY_TRUST_PROXY decides the hop). */
  addressOf(socket: VisitorSocket): string;
}

/** Why an event is refused before it is handled; null lets it through. */
export type Refusal = { code: 'too_large' | 'rate_limited'; message: string } | null;
/** A limit's answer: a site's budgets may be asked of Redis, the others are answered at once. */
export type Limited = Refusal | Promise<Refusal>;

/** The rate limits of one socket's events, by what an event costs. Every event takes one. */
export interface SocketLimits {
  /** Writes to a timeline: messages, notes, offline messages, channel switches, ratings. */
  message(): Limited;
  /** A new conversation (or an offline message, which makes one): counted per client address and per site. */
  start(): Limited;
  /** Everything else: syncs, read receipts, typing, page views, profile, availability, presence. */
  event(): Limited;
}

/**
 * What one client address may use, in sockets' worth: several tabs, or a few visitors behind one
 * office router. A site's budget is shared by every client, so a client's own bucket is checked
 * first and caps its share of the site's.
 */
const ADDRESS_SHARE = 2;
/** Socket-keyed buckets: room for every socket the relay is sized for, and those just gone. */
const SOCKET_KEYS = 100_000;

export type RateLimits = ReturnType<typeof createRateLimits>;

/**
 * Every relay's buckets. A site's budgets are shared by the relays through `redis` (the adapter's
 * client) when REDIS_URL is set; a client's (socket, address) stay on the relay it is connected to.
 */
export function createRateLimits(config: Config, redis?: SharedStore) {
  const { socketRatePerSec: messages, socketBurst: burst, eventRatePerSec: events } = config;
  const siteStarts = config.siteStartsPerMinute;
  return {
    socketMessages: new RateBuckets(messages, burst, SOCKET_KEYS),
    socketEvents: new RateBuckets(events, events * 2, SOCKET_KEYS),
    addressMessages: new RateBuckets(messages * ADDRESS_SHARE, burst * ADDRESS_SHARE),
    addressEvents: new RateBuckets(events * ADDRESS_SHARE, events * 2 * ADDRESS_SHARE),
    addressStarts: new RateBuckets(config.startsPerMinute / 60, config.startsPerMinute),
    siteMessages: new SharedBuckets('site-messages', config.siteRatePerSec, config.siteRatePerSec * 2, redis),
    siteStarts: new SharedBuckets('site-starts', siteStarts / 60, siteStarts, redis),
    addressSockets: new SocketCounts(config.socketsPerAddress),
    /**
     * New visitor sockets per client address: its whole allowance ten times over at once, then
     * one allowance every four seconds, so a dropped flooder cannot reconnect without end.
     */
    addressHandshakes: new RateBuckets(config.socketsPerAddress / 4, config.socketsPerAddress * 10),
    /** Refusals a socket may earn before it is dropped: past them, its packets cost nothing more. */
    socketRefusals: new RateBuckets(REFUSALS_PER_SEC, REFUSAL_BURST, SOCKET_KEYS),
  };
}

const REFUSALS_PER_SEC = 5;
const REFUSAL_BURST = 150;

/** Open sockets per client address, so one client cannot hold the relay's sockets for everyone. */
class SocketCounts {
  private readonly open = new Map<string, number>();

  constructor(readonly perAddress: number) {}

  /** Takes a socket slot for the address; the returned release gives it back (once, however often called). */
  take(address: string): (() => void) | null {
    const count = this.open.get(address) ?? 0;
    if (count >= this.perAddress) return null;
    this.open.set(address, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    };
  }
}

const refusedBy = (allowed: boolean, message: string): Refusal =>
  allowed ? null : { code: 'rate_limited', message };

/** The first limit's refusal, else the next's: at once when both answer at once. */
export function orElse(first: Limited, next: () => Limited): Limited {
  if (first instanceof Promise) return first.then((refused) => refused ?? next());
  return first ?? next();
}

/** A site's budget, asked only once the client's own buckets let the event through. */
const thenSite = (first: Refusal, take: () => boolean | Promise<boolean>, message: string): Limited =>
  orElse(first, () => {
    const taken = take();
    return taken instanceof Promise ? taken.then((ok) => refusedBy(ok, message)) : refusedBy(taken, message);
  });

/**
 * A visitor's events count against its socket, then its client address, then (writes) its site.
 * A socket that keeps sending past its limits is disconnected: decoding its flood would otherwise
 * still cost the relay for every packet.
 */
export function visitorLimits(ctx: RealtimeContext, socket: VisitorSocket): SocketLimits {
  const { limits, config } = ctx;
  const address = ctx.addressOf(socket);
  const siteId = socket.data.site.id;
  const settle = (refused: Refusal): Refusal => {
    if (refused && !limits.socketRefusals.take(socket.id)) socket.disconnect(true);
    return refused;
  };
  // Synchronous while every bucket answers at once, so a flood is refused and dropped in order.
  const dropFlooder = (limit: () => Limited) => (): Limited => {
    const refused = limit();
    return refused instanceof Promise ? refused.then(settle) : settle(refused);
  };

  const message = () =>
    thenSite(
      refusedBy(
        limits.socketMessages.take(socket.id),
        `at most ${config.socketRatePerSec} messages a second`,
      ) ??
        refusedBy(
          limits.addressMessages.take(address),
          'too many messages from this address, try again shortly',
        ),
      () => limits.siteMessages.take(siteId),
      'this site is receiving too many messages, try again shortly',
    );
  return {
    message: dropFlooder(message),
    start: dropFlooder(() =>
      thenSite(
        refusedBy(limits.addressStarts.take(address), 'too many new conversations, try again in a minute'),
        () => limits.siteStarts.take(siteId),
        'this site is starting too many conversations, try again in a minute',
      ),
    ),
    event: dropFlooder(
      () =>
        refusedBy(limits.socketEvents.take(socket.id), `at most ${config.eventRatePerSec} events a second`) ??
        refusedBy(limits.addressEvents.take(address), 'too many events from this address, try again shortly'),
    ),
  };
}

/** An agent is signed in: its socket's own buckets are enough. */
export function agentLimits(ctx: RealtimeContext, socket: AgentSocket): SocketLimits {
  const { limits, config } = ctx;
  const message = () =>
    refusedBy(limits.socketMessages.take(socket.id), `at most ${config.socketRatePerSec} messages a second`);
  return {
    message,
    start: message,
    event: () =>
      refusedBy(limits.socketEvents.take(socket.id), `at most ${config.eventRatePerSec} events a second`),
  };
}

/** A handshake refusal the client sees as connect_error, with `data.code`. */
export function refusal(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/** The client's own auth fields: Socket.IO adds `pid` and `offset` when it tries to recover a session. */
export function handshakeAuth(auth: unknown): unknown {
  if (typeof auth !== 'object' || auth === null) return auth;
  const { pid: _pid, offset: _offset, ...rest } = auth as Record<string, unknown>;
  return rest;
}

/** scheme://host[:port] in lower case, or null for something that is not a URL. */
