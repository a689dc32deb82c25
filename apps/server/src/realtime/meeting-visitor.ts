// The widget's meeting event: the links of a meeting of the visitor's own conversation, which the
// timeline never carries. Thin: parse, ask the meetings service as the visitor, ack.
import { meetingLinksSchema } from '@parley/protocol/schemas';
import type { Actor } from '../conversations/service';
import type { RealtimeContext, SocketLimits, VisitorSocket } from './context';
import { handler } from './handler';

export function registerMeetingVisitorHandlers(
  ctx: RealtimeContext,
  socket: VisitorSocket,
  actor: Extract<Actor, { kind: 'visitor' }>,
  limits: SocketLimits,
): void {
  // Each request signs fresh links: the visitor's message rate covers it, like a send.
  socket.on(
    'meeting:links',
    handler(meetingLinksSchema, limits.message, ({ meetingId }) =>
      ctx.services.meetings.linksForVisitor(actor, meetingId),
    ),
  );
}
