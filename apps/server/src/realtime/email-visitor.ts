// The widget's email events: "Email me instead" and "switch back to chat". Thin: parse, call the
// email service as the visitor (who may touch only their own conversations), ack.
import { backToChatSchema, emailMeInsteadSchema } from '@parley/protocol/schemas';
import type { Actor } from '../conversations/service';
import { forVisitor } from '../conversations/wire';
import type { RealtimeContext, SocketLimits, VisitorSocket } from './context';
import { handler } from './handler';

export function registerEmailVisitorHandlers(
  ctx: RealtimeContext,
  socket: VisitorSocket,
  actor: Extract<Actor, { kind: 'visitor' }>,
  limits: SocketLimits,
): void {
  const { services } = ctx;
  // Each switch sends mail or writes to the timeline: the visitor's message rate covers both.
  socket.on(
    'conversation:email',
    handler(emailMeInsteadSchema, limits.message, async ({ conversationId, email }) => {
      const result = await services.email.emailMeInstead(actor, conversationId, email);
      return forVisitor(result.ok ? { ok: true, conversation: result.conversation } : result);
    }),
  );
  socket.on(
    'conversation:chat',
    handler(backToChatSchema, limits.message, async (payload) =>
      forVisitor(await services.email.continueInChat(actor, payload.conversationId)),
    ),
  );
}
