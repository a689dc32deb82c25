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
import type { Site } from '../sites/service';
import type { Visitor } from '../visitors/service';
import { BucketMap } from './rate';

export interface VisitorData {
  site: Site;
  visitor: Visitor;
  token: string | undefined;
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
  socketRate: BucketMap;
  siteRate: BucketMap;
}

/** Why a send is refused before it is handled; null lets it through. */
export type Refusal = { code: 'too_large' | 'rate_limited'; message: string } | null;

/** Takes one of the socket's messages this second; a refusal once they are spent. */
export function socketLimit(ctx: RealtimeContext, socketId: string): Refusal {
  return ctx.socketRate.take(socketId)
    ? null
    : { code: 'rate_limited', message: `at most ${ctx.config.socketRatePerSec} messages a second` };
}

/** A visitor's send counts against its socket and then its site, so one site cannot flood the relay. */
export function visitorLimit(ctx: RealtimeContext, socketId: string, siteId: string): Refusal {
  return (
    socketLimit(ctx, socketId) ??
    (ctx.siteRate.take(siteId)
      ? null
      : { code: 'rate_limited', message: 'this site is receiving too many messages, try again shortly' })
  );
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
export function safeOrigin(origin: string): string | null {
  try {
    return new URL(origin).origin.toLowerCase();
  } catch {
    return null;
  }
}

export function createRateLimits(config: Config) {
  return {
    socketRate: new BucketMap(config.socketRatePerSec, config.socketBurst),
    siteRate: new BucketMap(config.siteRatePerSec, config.siteRatePerSec * 2),
  };
}
