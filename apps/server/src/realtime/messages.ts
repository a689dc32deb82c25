// Handlers both namespaces share: sending, syncing and read receipts, for any actor.
import { MAX_MESSAGE_LENGTH } from '@parley/protocol';
import { seenSchema, sendMessageSchema, syncSchema } from '@parley/protocol/schemas';
import type { Socket } from 'socket.io';
import type { Actor } from '../conversations/service';
import { toVisitorConversation } from '../conversations/wire';
import type { RealtimeContext, Refusal, SocketLimits } from './context';
import { handler } from './handler';

function tooLarge(payload: unknown): Refusal {
  const body = (payload as { body?: unknown } | null)?.body;
  return typeof body === 'string' && body.length > MAX_MESSAGE_LENGTH
    ? { code: 'too_large', message: `messages are limited to ${MAX_MESSAGE_LENGTH} characters` }
    : null;
}

export function registerTimelineHandlers(
  ctx: RealtimeContext,
  socket: Socket,
  actor: Actor,
  limits: SocketLimits,
): void {
  const { conversations } = ctx.services;
  socket.on(
    'message:send',
    handler(
      sendMessageSchema,
      (payload) => tooLarge(payload) ?? limits.message(),
      async (payload) => {
        // The sender has the message in its ack; the fan-out skips its socket.
        const result = await conversations.send(actor, payload, socket.id);
        return result.ok ? { ok: true, message: result.message } : result;
      },
    ),
  );
  socket.on(
    'sync',
    handler(syncSchema, limits.event, async ({ conversations: wanted }) => {
      const result = await conversations.sync(actor, wanted);
      // A visitor is told only its own view of each conversation.
      return actor.kind === 'visitor'
        ? { ok: true, ...result, conversations: result.conversations.map(toVisitorConversation) }
        : { ok: true, ...result };
    }),
  );
  socket.on(
    'seen',
    handler(seenSchema, limits.event, async ({ conversationId, seq }) => {
      const result = await conversations.markSeen(actor, conversationId, seq);
      return result.ok ? { ok: true } : result;
    }),
  );
}
