// The agent namespace: the console's handshake and the events an agent may send. Agents join
// the rooms of the sites they may see, so fan-out never reaches anyone else.
import { agentAuthSchema, describeIssues, typingSchema } from '@parley/protocol/schemas';
import type { Actor } from '../conversations/service';
import {
  ADMINS,
  type AgentSocket,
  agentRoom,
  handshakeAuth,
  type RealtimeContext,
  refusal,
  safeOrigin,
  siteRoom,
  visitorRoom,
} from './context';
import { fireAndForget } from './handler';
import { registerTimelineHandlers } from './messages';

export function setUpAgentNamespace(ctx: RealtimeContext): void {
  const { services, agents, config } = ctx;

  agents.use(async (socket, next) => {
    try {
      const parsed = agentAuthSchema.safeParse(handshakeAuth(socket.handshake.auth));
      if (!parsed.success) return next(refusal('unauthorized', describeIssues(parsed.error)));
      const origin = socket.handshake.headers.origin;
      if (origin !== undefined && safeOrigin(origin) !== ctx.relayOrigin) {
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
    socket.join(agentRoom(agent.id));

    registerTimelineHandlers(ctx, socket, actor, () =>
      ctx.socketRate.take(socket.id)
        ? null
        : { code: 'rate_limited', message: `at most ${config.socketRatePerSec} messages a second` },
    );
    socket.on(
      'typing',
      fireAndForget(typingSchema, async ({ conversationId, typing }) => {
        const route = await services.conversations.route(actor, conversationId);
        if (!route) return;
        ctx.visitors.to(visitorRoom(route.visitorId)).volatile.emit('typing', {
          conversationId,
          author: { kind: 'agent', id: agent.id, name: agent.name },
          typing,
        });
      }),
    );
  });
}
