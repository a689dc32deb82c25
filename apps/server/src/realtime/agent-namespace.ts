// The agent namespace: the console's handshake (session cookie, or an API token for scripts)
// and the events an agent may send. Agents join the rooms of the sites they may see, so fan-out
// never reaches anyone else; signing out closes every socket of that agent.
import {
  agentAuthSchema,
  describeIssues,
  noteSchema,
  presenceSchema,
  typingSchema,
} from '@parley/protocol/schemas';
import { sessionFromCookieHeader } from '../agents/cookie';
import type { Agent } from '../agents/service';
import { agentActor } from '../conversations/actions';
import { originOf } from '../shared/origin';
import {
  ADMINS,
  type AgentSocket,
  agentLimits,
  agentRoom,
  handshakeAuth,
  type RealtimeContext,
  refusal,
  siteRoom,
  visitorRooms,
} from './context';
import { fireAndForget, handler } from './handler';
import { registerTimelineHandlers } from './messages';

export function setUpAgentNamespace(ctx: RealtimeContext): void {
  const { services, agents } = ctx;

  agents.use(async (socket, next) => {
    try {
      const origin = socket.handshake.headers.origin;
      if (origin !== undefined && originOf(origin) !== ctx.relayOrigin) {
        return next(refusal('origin_not_allowed', 'agents connect from the Parley console only'));
      }
      const auth = handshakeAuth(socket.handshake.auth);
      const session = sessionFromCookieHeader(socket.handshake.headers.cookie);
      let agent: Agent | null;
      if (session && typeof auth === 'object' && auth !== null && Object.keys(auth).length === 0) {
        agent = await services.agents.bySession(session);
        if (!agent) return next(refusal('unauthorized', 'your session has ended: sign in again'));
      } else {
        const parsed = agentAuthSchema.safeParse(auth);
        if (!parsed.success) return next(refusal('unauthorized', describeIssues(parsed.error)));
        agent = await services.agents.byToken(parsed.data.token);
        if (!agent) return next(refusal('unauthorized', 'unknown or revoked agent token'));
      }
      socket.data = { agent };
      next();
    } catch (error) {
      console.error('parley: agent handshake failed', error);
      next(refusal('unavailable', 'the relay could not start this session, try again'));
    }
  });

  services.agents.events.on('signed-out', (agentId) => {
    agents.in(agentRoom(agentId)).disconnectSockets(true);
  });

  agents.on('connection', (socket: AgentSocket) => {
    const { agent } = socket.data;
    const actor = agentActor(agent);
    socket.join(agent.siteIds === null ? [ADMINS] : agent.siteIds.map(siteRoom));
    socket.join(agentRoom(agent.id));
    const limits = agentLimits(ctx, socket);
    registerTimelineHandlers(ctx, socket, actor, limits);
    socket.on(
      'note:send',
      handler(noteSchema, limits.message, (payload) => services.actions.note(agent, payload)),
    );
    socket.on(
      'presence:set',
      handler(presenceSchema, limits.event, async ({ presence }) => {
        await services.agents.setPresence(agent.id, presence);
        return { ok: true, presence };
      }),
    );
    socket.on(
      'typing',
      fireAndForget(typingSchema, limits.event, async ({ conversationId, typing }) => {
        const route = await services.conversations.route(actor, conversationId);
        if (!route) return;
        ctx.visitors.to(visitorRooms(route.visitorId, conversationId)).volatile.emit('typing', {
          conversationId,
          author: { kind: 'agent', id: agent.id, name: agent.name },
          typing,
        });
      }),
    );
  });
}
