// Which conversation the widget shows, and what counts as unread: plain functions over what the
// client holds, shared by the panel and the launcher's badge.
import type { VisitorChatClient } from '@parley/client';
import type { ProactiveMessage, VisitorConversation } from '@parley/protocol';

/**
 * The visitor's newest conversation started after `freshSince` (set when they chose to start a
 * new one). A resolved one stays current, with its rating and "start a new conversation".
 */
export function currentConversation(
  client: VisitorChatClient,
  freshSince: string | null,
): VisitorConversation | null {
  let newest: VisitorConversation | null = null;
  for (const conversation of client.conversations.values()) {
    if (freshSince && conversation.createdAt <= freshSince) continue;
    if (!newest || conversation.createdAt > newest.createdAt) newest = conversation;
  }
  return newest;
}

/** Agent messages the visitor has not seen yet. */
export function unreadCount(client: VisitorChatClient, conversation: VisitorConversation | null): number {
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
export function agentName(
  client: VisitorChatClient,
  conversation: VisitorConversation | null,
): string | null {
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
  return globMatches(pattern, /^[a-z]+:\/\//i.test(pattern) ? url : new URL(url).pathname);
}

/**
 * Whether `text` matches `glob`, where `*` stands for any run of characters. The parts between
 * stars are found in order, each at its leftmost place, which is all a glob needs: nothing is
 * tried twice (a `.*` regex retried every split, and eight stars froze the page for seconds).
 */
export function globMatches(glob: string, text: string): boolean {
  const parts = glob.split('*');
  const first = parts[0] ?? '';
  if (parts.length === 1) return glob === text;
  const last = parts[parts.length - 1] ?? '';
  const end = text.length - last.length;
  if (end < first.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
