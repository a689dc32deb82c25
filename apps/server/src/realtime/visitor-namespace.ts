// The visitor namespace: the widget's handshake (site key, origin, token or verified identity)
// and the events a visitor may send.

import { failure } from '@parley/protocol';
import {
  availabilitySchema,
  describeIssues,
  offlineMessageSchema,
  rateSchema,
  startConversationSchema,
  typingSchema,
  visitorAttributesSchema,
  visitorAuthSchema,
  visitorContextSchema,
  visitorEmailSchema,
  visitorProfileSchema,
} from '@parley/protocol/schemas';
import type { Actor } from '../conversations/service';
import { forVisitor } from '../conversations/wire';
import { originOf } from '../shared/origin';
import type { Site } from '../sites/service';
import type { Visitor } from '../visitors/service';
import { availability } from '../widget/availability';
import { preChatProblem } from '../widget/pre-chat';
import {
  handshakeAuth,
  orElse,
  type RealtimeContext,
  refusal,
  type SocketLimits,
  siteVisitorsRoom,
  type VisitorSocket,
  visitorConversationRoom,
  visitorLimits,
  visitorRoom,
} from './context';
import { registerEmailVisitorHandlers } from './email-visitor';
import { fireAndForget, handler } from './handler';
import { registerMeetingVisitorHandlers } from './meeting-visitor';
import { registerTimelineHandlers } from './messages';

export function setUpVisitorNamespace(ctx: RealtimeContext): void {
  const { services, visitors } = ctx;

  // One client address holds a bounded number of sockets; the slot is given back when the socket
  // or its connection closes, or when the handshake below refuses it.
  const slots = new WeakMap<VisitorSocket, () => void>();
  visitors.use((socket, next) => {
    const address = ctx.addressOf(socket);
    if (!ctx.limits.addressHandshakes.take(address)) {
      return next(refusal('rate_limited', 'too many new connections from this address, try again shortly'));
    }
    const release = ctx.limits.addressSockets.take(address);
    if (!release) return next(refusal('rate_limited', 'too many connections from this address'));
    slots.set(socket, release);
    socket.conn.once('close', release);
    socket.once('disconnect', release);
    next();
  });

  visitors.use(async (socket, rawNext) => {
    const next = (error?: Error) => {
      if (error) slots.get(socket)?.();
      rawNext(error);
    };
    try {
      const parsed = visitorAuthSchema.safeParse(handshakeAuth(socket.handshake.auth));
      if (!parsed.success) return next(refusal('bad_request', describeIssues(parsed.error)));
      const auth = parsed.data;
      const site = await services.sites.byPublicKey(auth.siteKey);
      if (!site) return next(refusal('unauthorized', 'unknown site key'));
      const querySiteKey = socket.handshake.query.siteKey;
      if (
        !visitorOriginAllowed(ctx, site, socket.handshake.headers.origin) ||
        querySiteKey !== auth.siteKey
      ) {
        return next(refusal('origin_not_allowed', 'this page is not allowed to embed this site'));
      }
      let visitor: Visitor | null = null;
      let token: string | undefined;
      let stored = true;
      let conversationId: string | null = null;
      if (auth.identity) {
        const proof = services.sites.verifyIdentity(site, auth.identity);
        if (!proof) return next(refusal('unauthorized', 'identity verification failed'));
        const { userId, name, email } = auth.identity;
        const emailSigned = proof === 'user-and-email';
        visitor = await services.visitors.identified(site.id, userId, { name, email, emailSigned });
      } else if (auth.token) {
        const known = await services.visitors.byToken(site.id, auth.token);
        visitor = known?.visitor ?? null;
        conversationId = known?.conversationId ?? null;
        if (!visitor) {
          // A token this relay signed for a visitor who has not done anything yet (or not ours).
          visitor = services.visitors.unstoredByToken(site.id, auth.token);
          stored = false;
        }
        token = auth.token;
      }
      if (!visitor) {
        // No token, or one this site never issued: a fresh anonymous visitor, owning nothing yet
        // and stored only once it does something.
        const minted = services.visitors.newUnstored(site.id);
        visitor = minted.visitor;
        token = minted.token;
        stored = false;
      }
      socket.data = { site, visitor, token, stored, conversationId };
      next();
    } catch (error) {
      console.error('parley: visitor handshake failed', error);
      next(refusal('unavailable', 'the relay could not start this session, try again'));
    }
  });

  visitors.on('connection', (socket: VisitorSocket) => {
    const { site, visitor, token } = socket.data;
    const limits = visitorLimits(ctx, socket);
    // The visitor's record, written before the first event that needs one (once per socket).
    let storing: Promise<void> | null = socket.data.stored ? Promise.resolve() : null;
    const stored = () => {
      storing ??= services.visitors.store(visitor, token ?? '').catch((error: unknown) => {
        storing = null;
        throw error;
      });
      return storing;
    };
    const scope = socket.data.conversationId;
    const actor: VisitorActor = {
      kind: 'visitor',
      visitorId: visitor.id,
      siteId: site.id,
      ...(visitor.name ? { name: visitor.name } : {}),
      ...(scope ? { conversationId: scope } : {}),
    };
    socket.join([
      scope ? visitorConversationRoom(visitor.id, scope) : visitorRoom(visitor.id),
      siteVisitorsRoom(site.id),
    ]);
    socket.emit('session', { visitorId: visitor.id, token: token ?? '' });

    socket.on(
      'conversation:start',
      handler(startConversationSchema, limits.start, async ({ startKey }) => {
        if (scope) return oneConversationOnly();
        await stored();
        const { conversation } = await services.conversations.start(actor, startKey);
        return forVisitor({ ok: true, conversation });
      }),
    );
    registerTimelineHandlers(ctx, socket, actor, limits);
    socket.on(
      'typing',
      fireAndForget(typingSchema, limits.event, async ({ conversationId, typing }) => {
        const route = await services.conversations.route(actor, conversationId);
        if (!route) return;
        ctx.toAgents(route.siteId).volatile.emit('typing', {
          conversationId,
          author: { kind: 'visitor', id: visitor.id },
          typing,
        });
      }),
    );
    registerWidgetHandlers(ctx, socket, actor, limits, stored);
    registerEmailVisitorHandlers(ctx, socket, actor, limits);
    registerMeetingVisitorHandlers(ctx, socket, actor, limits);
  });
}

type VisitorActor = Extract<Actor, { kind: 'visitor' }>;

/** A browser opened from a continue link reaches that conversation only: it starts none. */
const oneConversationOnly = () =>
  failure(
    'forbidden',
    'this browser continues one conversation from an email link: reply there, or open the chat on the site',
  );

/** Browsers may open visitor sockets from the site's allowed origins or from the widget iframe. */
export function visitorOriginAllowed(ctx: RealtimeContext, site: Site, origin: string | undefined): boolean {
  return (
    (origin !== undefined && originOf(origin) === ctx.relayOrigin) ||
    ctx.services.sites.isOriginAllowed(site, origin)
  );
}

/** The widget's own events: what it reports about the visitor, its forms, and ratings. */
function registerWidgetHandlers(
  ctx: RealtimeContext,
  socket: VisitorSocket,
  actor: VisitorActor,
  limits: SocketLimits,
  stored: () => Promise<void>,
): void {
  const { services } = ctx;
  const { site, visitor } = socket.data;
  const userAgent = socket.handshake.headers['user-agent']?.slice(0, 500);
  // Context and attribute updates of one socket apply in the order they were sent, so a quick
  // "cart emptied" after "cart full" never lands first (handlers otherwise run concurrently).
  let updates: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(update: () => Promise<T>): Promise<T> => {
    const next = updates.then(update);
    updates = next.catch(() => {});
    return next;
  };
  // Agents with this visitor open refetch what they show of them.
  const changed = () => ctx.toAgents(site.id).emit('visitor', { visitorId: visitor.id });
  socket.on(
    'visitor:context',
    handler(visitorContextSchema, limits.event, (context) =>
      inOrder(async () => {
        await stored();
        const recorded = await services.visitors.recordContext(visitor.id, {
          ...context,
          ...(userAgent ? { userAgent } : {}),
        });
        if (recorded) changed();
        return { ok: true as const };
      }),
    ),
  );
  socket.on(
    'visitor:attributes',
    handler(visitorAttributesSchema, limits.event, ({ attributes }) =>
      inOrder(async () => {
        await stored();
        const result = await services.visitors.setAttributes(visitor.id, attributes);
        if (result.ok) changed();
        return result;
      }),
    ),
  );
  socket.on(
    'visitor:profile',
    handler(visitorProfileSchema, limits.event, async (profile) => {
      const problem = preChatProblem(site.widget.preChat, profile);
      if (problem) return failure('bad_request', problem);
      await stored();
      await services.visitors.updateProfile(visitor.id, profile);
      if (profile.name) actor.name = profile.name;
      changed();
      return { ok: true };
    }),
  );
  socket.on(
    'visitor:email',
    handler(visitorEmailSchema, limits.event, async ({ email }) => {
      await stored();
      await services.visitors.updateProfile(visitor.id, { email });
      changed();
      return { ok: true };
    }),
  );
  socket.on(
    'availability',
    handler(availabilitySchema, limits.event, async () => ({
      ok: true,
      availability: await availability(services.agents, site),
    })),
  );
  socket.on(
    'offline:submit',
    // A new conversation and a message in it: both budgets.
    handler(
      offlineMessageSchema,
      () => orElse(limits.start(), limits.message),
      async ({ startKey, clientMsgId, name, email, body }) => {
        if (actor.conversationId) return oneConversationOnly();
        await stored();
        await services.visitors.updateProfile(visitor.id, { name, email });
        if (name) actor.name = name;
        const { conversation } = await services.conversations.start(actor, startKey);
        const written = await services.conversations.send(actor, {
          conversationId: conversation.id,
          clientMsgId,
          body,
        });
        return written.ok ? forVisitor({ ok: true, conversation }) : written;
      },
    ),
  );
  socket.on(
    'conversation:rate',
    handler(rateSchema, limits.message, async (rating) =>
      forVisitor(await services.ratings.rate(actor, rating)),
    ),
  );
}
