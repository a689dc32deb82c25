// The widget's email events: "Email me instead" and "switch back to chat". Thin: parse, call the
// email service as the visitor (who may touch only their own conversations), ack.
import { backToChatSchema, emailMeInsteadSchema } from '@parley/protocol/schemas';
import type { Actor } from '../conversations/service';
import { forVisitor } from '../conversations/wire';
import { type RealtimeContext, type VisitorSocket, visitorLimit } from './context';
import { handler } from './handler';

export function registerEmailVisitorHandlers(
  ctx: RealtimeContext,
  socket: VisitorSocket,
  actor: Extract<Actor, { kind: 'visitor' }>,
): void {
  const { services } = ctx;
  // Each switch sends mail or writes to the timeline: the visitor's message rate covers both.
  const limited = () => visitorLimit(ctx, socket.id, socket.data.site.id);
  socket.on(
    'conversation:email',
    handler(
      emailMeInsteadSchema,
      async ({ conversationId, email }) => {
        const result = await services.email.continueByEmail(actor, conversationId, email);
        return forVisitor(result.ok ? { ok: true, conversation: result.conversation } : result);
      },
      limited,
    ),
  );
  socket.on(
    'conversation:chat',
    handler(
      backToChatSchema,
      async (payload) => forVisitor(await services.email.continueInChat(actor, payload.conversationId)),
      limited,
    ),
  );
}
