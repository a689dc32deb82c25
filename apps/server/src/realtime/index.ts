// Wires Socket.IO to the services: creates the server, checks every handshake's Origin, sets up
// the two namespaces, and fans out what the conversations domain announces after each write
// (inboxes through inbox-announcer.ts).
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { AGENT_NAMESPACE, MAX_PACKET_BYTES, VISITOR_NAMESPACE } from '@parley/protocol';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import type { Config } from '../config';
import { toVisitorConversation } from '../conversations/wire';
import { clientAddress } from '../http/client-address';
import type { Services } from '../services';
import { originOf } from '../shared/origin';
import { setUpAgentNamespace } from './agent-namespace';
import { availabilityAnnouncer } from './availability-announcer';
import {
  ADMINS,
  type AgentNamespace,
  agentRoom,
  createRateLimits,
  type RealtimeContext,
  siteRoom,
  type VisitorNamespace,
  visitorRooms,
} from './context';
import { inboxAnnouncer } from './inbox-announcer';
import { setUpVisitorNamespace, visitorOriginAllowed } from './visitor-namespace';

/**
 * Attaches Socket.IO to the HTTP server. With `config.redisUrl`, fan-out between relay nodes goes
 * through the Redis Streams adapter (which keeps connection-state recovery); without it, one node
 * uses the in-memory adapter.
 */
export async function attachRealtime(
  httpServer: HttpServer,
  services: Services,
  config: Config,
): Promise<{ io: Server; close(): Promise<void> }> {
  const redis = config.redisUrl ? createClient({ url: config.redisUrl }) : undefined;
  if (redis) {
    redis.on('error', (error: Error) => console.error('parley: redis', error.message));
    await redis.connect();
  }
  const io = new Server(httpServer, {
    ...(redis ? { adapter: createAdapter(redis) } : {}),
    maxHttpBufferSize: MAX_PACKET_BYTES,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    // CORS does not cover WebSockets: the Origin of every handshake is checked here, fail closed.
    allowRequest: (req: IncomingMessage, callback) => {
      const origin = req.headers.origin;
      const siteKey = new URL(req.url ?? '/', 'http://relay').searchParams.get('siteKey');
      if (!siteKey) {
        // Agents: the console (same origin as the relay) or a non-browser client with a token.
        callback(null, origin === undefined || originOf(origin) === ctx.relayOrigin);
        return;
      }
      services.sites
        .byPublicKey(siteKey)
        .then((site) => callback(null, site !== null && visitorOriginAllowed(ctx, site, origin)))
        .catch(() => callback('site lookup failed', false));
    },
  });

  const addressOf = clientAddress(config.trustProxy);
  const visitors = io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace;
  const agents = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace;
  const ctx: RealtimeContext = {
    services,
    config,
    visitors,
    agents,
    relayOrigin: originOf(config.publicUrl) ?? config.publicUrl,
    toAgents: (siteId) => agents.to([siteRoom(siteId), ADMINS]),
    limits: createRateLimits(config, redis),
    addressOf: (socket) => addressOf(socket.request),
  };
  setUpVisitorNamespace(ctx);
  setUpAgentNamespace(ctx);
  // A console is open where an agent's socket is, on this relay or, through the adapter, another.
  services.agents.answerConnections(async (agentIds) => {
    const sockets = await agents.in(agentIds.map(agentRoom)).fetchSockets();
    return new Set(sockets.map((socket) => socket.data.agent.id));
  });

  // Visitors learn at once when an agent who can answer them comes, goes, or steps away.
  const announcer = availabilityAnnouncer(ctx);
  agents.on('connection', (socket) => {
    const { siteIds } = socket.data.agent;
    announcer.changed(siteIds);
    socket.on('disconnect', () => announcer.changed(siteIds));
  });
  const onPresence = (agent: { siteIds: string[] | null }) => announcer.changed(agent.siteIds);
  services.agents.events.on('presence', onPresence);

  // Inboxes follow every change of the conversations they show from one announcement each.
  const inbox = inboxAnnouncer(ctx);

  const events = services.conversations.events;
  events.on('message', (message, route, origin) => {
    const skip = origin ? [origin] : [];
    if (message.visibility === 'all') {
      visitors
        .to(visitorRooms(route.visitorId, message.conversationId))
        .except(skip)
        .emit('message', message);
    }
    ctx.toAgents(route.siteId).except(skip).emit('message', message);
  });
  events.on('conversation', (conversation) => {
    visitors
      .to(visitorRooms(conversation.visitorId, conversation.id))
      .emit('conversation', toVisitorConversation(conversation));
    ctx.toAgents(conversation.siteId).emit('conversation', conversation);
  });
  events.on('seen', (event, route) => {
    visitors.to(visitorRooms(route.visitorId, event.conversationId)).emit('seen', event);
    ctx.toAgents(route.siteId).emit('seen', event);
  });
  return {
    io,
    async close() {
      services.agents.events.off('presence', onPresence);
      announcer.close();
      inbox.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // quit() waits for its reply, so a Redis that is gone would hold the relay's stop forever;
      // disconnect() would reject the adapter's queued publishes, which it does not catch. A
      // relay stopping while Redis is gone leaves the client to the process's exit.
      if (redis?.isReady) await redis.quit();
    },
  };
}
