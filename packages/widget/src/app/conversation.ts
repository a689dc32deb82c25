// Which conversation the widget shows, and what counts as unread: plain functions over what the
// client holds, shared by the panel and the launcher's badge.
import type { VisitorChatClient } from '@parley/client';
import type { Conversation, ProactiveMessage } from '@parley/protocol';

/**
 * The visitor's newest conversation started after `freshSince` (set when they chose to start a
 * new one). A resolved one stays current, with its rating and "start a new conversation".
 */
export function currentConversation(
  client: VisitorChatClient,
  freshSince: string | null,
): Conversation | null {
  let newest: Conversation | null = null;
  for (const conversation of client.conversations.values()) {
    if (freshSince && conversation.createdAt <= freshSince) continue;
    if (!newest || conversation.createdAt > newest.createdAt) newest = conversation;
  }
  return newest;
}

/** Agent messages the visitor has not seen yet. */
export function unreadCount(client: VisitorChatClient, conversation: Conversation | null): number {
  if (!conversation) return 0;
  return client
    .timeline(conversation.id)
    .filter(
      (e) =>
        'author' in e &&
        e.author.kind === 'agent' &&
        e.type === 'message' &&
        e.seq > conversation.visitorSeenSeq,
    ).length;
}

/** The name of the agent who answered last, for the panel's header. */
export function agentName(client: VisitorChatClient, conversation: Conversation | null): string | null {
  if (!conversation) return null;
  const entries = client.timeline(conversation.id);
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry && 'author' in entry && entry.author.kind === 'agent') return entry.author.name ?? null;
  }
  return null;
}

/** Whether a proactive message's pattern matches a page: `*` is a wildcard; without a scheme, the path is matched. */
export function matchesPage(pattern: ProactiveMessage['urlPattern'], url: string): boolean {
  if (pattern === null) return true;
  const target = /^[a-z]+:\/\//i.test(pattern) ? url : new URL(url).pathname;
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${source}$`).test(target);
}
