// Wires Socket.IO to the services: the visitor and agent namespaces, their handshakes, and
// fan-out after every write. Handlers stay thin: parse, call a service, ack, emit.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type {
  AgentClientToServerEvents,
  Conversation,
  ErrorCode,
  Message,
  ServerToClientEvents,
  VisitorClientToServerEvents,
} from '@parley/protocol';
import { AGENT_NAMESPACE, MAX_MESSAGE_LENGTH, MAX_PACKET_BYTES, VISITOR_NAMESPACE } from '@parley/protocol';
import {
  agentAuthSchema,
  describeIssues,
  seenSchema,
  sendMessageSchema,
  startConversationSchema,
  syncSchema,
  typingSchema,
  visitorAuthSchema,
} from '@parley/protocol/schemas';
import { Server, type Socket } from 'socket.io';
import type { Agent } from '../agents/service';
import type { Config } from '../config';
import type { Actor } from '../conversations/service';
import type { Services } from '../services';
import type { Site } from '../sites/service';
import type { Visitor } from '../visitors/service';
import { fireAndForget, handler } from './handler';
import { BucketMap } from './rate';

interface VisitorData {
  site: Site;
  visitor: Visitor;
  token: string | undefined;
}
interface AgentData {
  agent: Agent;
}

type VisitorSocket = Socket<VisitorClientToServerEvents, ServerToClientEvents, object, VisitorData>;
type AgentSocket = Socket<AgentClientToServerEvents, ServerToClientEvents, object, AgentData>;

const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
const siteRoom = (siteId: string) => `site:${siteId}`;
const ADMINS = 'admins';

function refusal(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

function tooLarge(payload: unknown) {
  const body = (payload as { body?: unknown } | null)?.body;
  return typeof body === 'string' && body.length > MAX_MESSAGE_LENGTH
    ? { code: 'too_large' as const, message: `messages are limited to ${MAX_MESSAGE_LENGTH} characters` }
    : null;
}

function originOf(url: string): string {
  return new URL(url).origin.toLowerCase();
}

export function attachRealtime(httpServer: HttpServer, services: Services, config: Config) {
  const relayOrigin = originOf(config.publicUrl);
  const socketRate = new BucketMap(config.socketRatePerSec, config.socketBurst);
  const siteRate = new BucketMap(config.siteRatePerSec, config.siteRatePerSec * 2);

  /** Browsers may open visitor sockets from the site's allowed origins or from the widget iframe. */
  const visitorOriginAllowed = (site: Site, origin: string | undefined) =>
    (origin !== undefined && originOf(origin) === relayOrigin) || services.sites.isOriginAllowed(site, origin);

  const io = new Server(httpServer, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    // CORS does not cover WebSockets: the Origin of every handshake is checked here, fail closed.
    allowRequest: (req: IncomingMessage, callback) => {
      const origin = req.headers.origin;
      const siteKey = new URL(req.url ?? '/', 'http://relay').searchParams.get('siteKey');
      if (!siteKey) {
        // Agents: the console (same origin as the relay) or a non-browser client with a token.
        callback(null, origin === undefined || safeOrigin(origin) === relayOrigin);
        return;
      }
      services.sites
        .byPublicKey(siteKey)
        .then((site) => callback(null, site !== null && visitorOriginAllowed(site, origin)))
        .catch(() => callback('site lookup failed', false));
    },
  });

  const visitors = io.of(VISITOR_NAMESPACE) as unknown as import('socket.io').Namespace<
    VisitorClientToServerEvents,
    ServerToClientEvents,
    object,
    VisitorData
  >;
  const agents = io.of(AGENT_NAMESPACE) as unknown as import('socket.io').Namespace<
    AgentClientToServerEvents,
    ServerToClientEvents,
    object,
    AgentData
  >;

  const toAgents = (siteId: string) => agents.to([siteRoom(siteId), ADMINS]);

  const fanOutMessage = (message: Message, route: { siteId: string; visitorId: string }) => {
    visitors.to(visitorRoom(route.visitorId)).emit('message', message);
    toAgents(route.siteId).emit('message', message);
  };
  const fanOutConversation = (conversation: Conversation) => {
    visitors.to(visitorRoom(conversation.visitorId)).emit('conversation', conversation);
    toAgents(conversation.siteId).emit('conversation', conversation);
  };

  const rateLimited = (socketId: string, siteId: string) =>
    !socketRate.take(socketId)
      ? { code: 'rate_limited' as const, message: `at most ${config.socketRatePerSec} messages a second` }
      : !siteRate.take(siteId)
        ? { code: 'rate_limited' as const, message: 'this site is receiving too many messages, try again shortly' }
        : null;

  visitors.use(async (socket, next) => {
    try {
      const parsed = visitorAuthSchema.safeParse(handshakeAuth(socket.handshake.auth));
      if (!parsed.success) return next(refusal('bad_request', describeIssues(parsed.error)));
      const auth = parsed.data;
      const site = await services.sites.byPublicKey(auth.siteKey);
      if (!site) return next(refusal('unauthorized', 'unknown site key'));
      const querySiteKey = socket.handshake.query.siteKey;
      if (!visitorOriginAllowed(site, socket.handshake.headers.origin) || querySiteKey !== auth.siteKey) {
        return next(refusal('origin_not_allowed', 'this page is not allowed to embed this site'));
      }
      let visitor: Visitor | null = null;
      let token: string | undefined;
      if (auth.identity) {
        if (!services.sites.verifyIdentity(site, auth.identity.userId, auth.identity.hash)) {
          return next(refusal('unauthorized', 'identity verification failed'));
        }
        visitor = await services.visitors.identified(site.id, auth.identity.userId, auth.identity);
      } else if (auth.token) {
        visitor = await services.visitors.byToken(site.id, auth.token);
        token = auth.token;
      }
      if (!visitor) {
        // No token, or one this site never issued: a fresh anonymous visitor, owning nothing yet.
        const minted = await services.visitors.mint(site.id);
        visitor = minted.visitor;
        token = minted.token;
      }
      socket.data = { site, visitor, token };
      next();
    } catch (error) {
      console.error('parley: visitor handshake failed', error);
      next(refusal('unavailable', 'the relay could not start this session, try again'));
    }
  });

  visitors.on('connection', (socket: VisitorSocket) => {
    const { site, visitor, token } = socket.data;
    const actor: Actor = { kind: 'visitor', visitorId: visitor.id, siteId: site.id, ...(visitor.name ? { name: visitor.name } : {}) };
    socket.join(visitorRoom(visitor.id));
    socket.emit('session', token ? { visitorId: visitor.id, token } : { visitorId: visitor.id, token: '' });

    socket.on(
      'conversation:start',
      handler(startConversationSchema, async ({ startKey }) => {
        const { conversation, created } = await services.conversations.start(actor, startKey);
        if (created) fanOutConversation(conversation);
        return { ok: true, conversation };
      }),
    );
    socket.on(
      'message:send',
      handler(
        sendMessageSchema,
        async (payload) => {
          const result = await services.conversations.send(actor, payload);
          if (!result.ok) return result;
          if (result.created) fanOutMessage(result.message, result.route);
          return { ok: true, message: result.message };
        },
        (payload) => tooLarge(payload) ?? rateLimited(socket.id, site.id),
      ),
    );
    socket.on(
      'sync',
      handler(syncSchema, async ({ conversations }) => ({
        ok: true,
        ...(await services.conversations.sync(actor, conversations)),
      })),
    );
    socket.on(
      'seen',
      handler(seenSchema, async ({ conversationId, seq }) => {
        const result = await services.conversations.markSeen(actor, conversationId, seq);
        if (!result.ok) return result;
        const event = { conversationId, by: 'visitor' as const, seq: result.conversation.visitorSeenSeq };
        toAgents(site.id).emit('seen', event);
        socket.to(visitorRoom(visitor.id)).emit('seen', event);
        return { ok: true };
      }),
    );
    socket.on(
      'typing',
      fireAndForget(typingSchema, async ({ conversationId, typing }) => {
        const route = await services.conversations.route(actor, conversationId);
        if (!route) return;
        toAgents(route.siteId).volatile.emit('typing', {
          conversationId,
          author: { kind: 'visitor', id: visitor.id },
          typing,
        });
      }),
    );
  });

  agents.use(async (socket, next) => {
    try {
      const parsed = agentAuthSchema.safeParse(handshakeAuth(socket.handshake.auth));
      if (!parsed.success) return next(refusal('unauthorized', describeIssues(parsed.error)));
      const origin = socket.handshake.headers.origin;
      if (origin !== undefined && safeOrigin(origin) !== relayOrigin) {
        return next(refusal('origin_not_allowed', 'agents connect from the Parley console only'));
      }
      const agent = await services.agents.byToken(parsed.data.token);
      if (!agent) return next(refusal('unauthorized', 'unknown or revoked agent token'));
      socket.data = { agent };
      next();
    } catch (error) {
      console.error('parley: agent handshake failed', error);
      next(refusal('unavailable', 'the relay could not start this session, try again'));
    }
  });

  agents.on('connection', (socket: AgentSocket) => {
    const { agent } = socket.data;
    const actor: Actor = { kind: 'agent', agentId: agent.id, name: agent.name, siteIds: agent.siteIds };
    socket.join(agent.siteIds === null ? [ADMINS] : agent.siteIds.map(siteRoom));
    socket.join(`agent:${agent.id}`);

    socket.on(
      'message:send',
      handler(
        sendMessageSchema,
        async (payload) => {
          const result = await services.conversations.send(actor, payload);
          if (!result.ok) return result;
          if (result.created) fanOutMessage(result.message, result.route);
          return { ok: true, message: result.message };
        },
        (payload) => tooLarge(payload) ?? (socketRate.take(socket.id) ? null : { code: 'rate_limited', message: `at most ${config.socketRatePerSec} messages a second` }),
      ),
    );
    socket.on(
      'sync',
      handler(syncSchema, async ({ conversations }) => ({
        ok: true,
        ...(await services.conversations.sync(actor, conversations)),
      })),
    );
    socket.on(
      'seen',
      handler(seenSchema, async ({ conversationId, seq }) => {
        const result = await services.conversations.markSeen(actor, conversationId, seq);
        if (!result.ok) return result;
        const event = { conversationId, by: 'agent' as const, seq: result.conversation.agentSeenSeq };
        visitors.to(visitorRoom(result.conversation.visitorId)).emit('seen', event);
        toAgents(result.conversation.siteId).emit('seen', event);
        return { ok: true };
      }),
    );
    socket.on(
      'typing',
      fireAndForget(typingSchema, async ({ conversationId, typing }) => {
        const route = await services.conversations.route(actor, conversationId);
        if (!route) return;
        visitors.to(visitorRoom(route.visitorId)).volatile.emit('typing', {
          conversationId,
          author: { kind: 'agent', id: agent.id, name: agent.name },
          typing,
        });
      }),
    );
  });

  return io;
}

/** The client's own auth fields: Socket.IO adds `pid` and `offset` when it tries to recover a session. */
function handshakeAuth(auth: unknown): unknown {
  if (typeof auth !== 'object' || auth === null) return auth;
  const { pid: _pid, offset: _offset, ...rest } = auth as Record<string, unknown>;
  return rest;
}

function safeOrigin(origin: string): string | null {
  try {
    return originOf(origin);
  } catch {
    return null;
  }
}
