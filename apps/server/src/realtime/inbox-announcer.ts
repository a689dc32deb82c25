// Tells agents' inboxes when a conversation they show changes: one `inbox` event per change,
// built once (Inbox.announce) and sent to the rooms of the agents who may see the conversation,
// so no console has to ask the relay for its list, counts or conversation again.
import type { Route } from '../conversations/service';
import type { RealtimeContext } from './context';

/** How long a conversation's changes are gathered: an action's event entry and its new state. */
const ANNOUNCE_AFTER_MS = 25;

/**
 * Announces each conversation that changes, once per burst. The rooms are those of the
 * conversation's site and the admins: the agents `conversations/access.ts` lets reach it
 * (`sitesAccess`), which is who the inbox lists it for, and nobody else.
 */
export function inboxAnnouncer(ctx: RealtimeContext): { close(): void } {
  const events = ctx.services.conversations.events;
  const timers = new Map<string, NodeJS.Timeout>();
  /** A conversation's announcement in progress; a change meanwhile makes it run once more after. */
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let closed = false;

  const announce = async (conversationId: string, siteId: string) => {
    const change = await ctx.services.inbox.announce(conversationId);
    if (change && !closed) ctx.toAgents(siteId).emit('inbox', change);
  };
  // One at a time per conversation, so announcements leave this relay in revision order.
  const run = (conversationId: string, siteId: string) => {
    if (running.has(conversationId)) {
      again.add(conversationId);
      return;
    }
    const task = announce(conversationId, siteId)
      .catch((error) => console.error('parley: inbox announcement failed', error))
      .finally(() => {
        running.delete(conversationId);
        if (again.delete(conversationId) && !closed) run(conversationId, siteId);
      });
    running.set(conversationId, task);
  };
  const changed = (conversationId: string, siteId: string) => {
    if (closed || timers.has(conversationId)) return;
    const timer = setTimeout(() => {
      timers.delete(conversationId);
      run(conversationId, siteId);
    }, ANNOUNCE_AFTER_MS);
    timer.unref();
    timers.set(conversationId, timer);
  };

  const onMessage = (message: { conversationId: string }, route: Route) =>
    changed(message.conversationId, route.siteId);
  const onConversation = (conversation: { id: string; siteId: string }) =>
    changed(conversation.id, conversation.siteId);
  events.on('message', onMessage);
  events.on('conversation', onConversation);
  return {
    close() {
      closed = true;
      events.off('message', onMessage);
      events.off('conversation', onConversation);
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
