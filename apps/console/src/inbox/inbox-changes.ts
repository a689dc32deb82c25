// How the console applies the relay's `inbox` announcements: which views and filters a row
// belongs to, where it goes in a sorted list, how the counts move, and whether an announcement
// is older than what is on screen or shows that one was missed. Pure: the hooks hold the state.
import type {
  Conversation,
  InboxChange,
  InboxCounts,
  InboxItem,
  InboxPlacement,
  InboxQuery,
  InboxView,
} from '@parley/protocol';
import { INBOX_VIEWS } from '@parley/protocol';

/** The relay answers at most this many rows for a query. */
export const PAGE = 100;

/** Whether a conversation placed so is in `view` for agent `agentId`: the relay's view filters. */
export function inView(placement: InboxPlacement, view: InboxView, agentId: string): boolean {
  const { status, assigneeId } = placement;
  switch (view) {
    case 'unassigned':
      return status === 'open' && assigneeId === null;
    case 'mine':
      return (status === 'open' || status === 'pending') && assigneeId === agentId;
    case 'open':
      return status === 'open';
    case 'snoozed':
      return status === 'pending' || status === 'snoozed';
    case 'resolved':
      return status === 'resolved';
  }
}

/**
 * Whether a conversation belongs in a query's list; null when the console cannot tell (a search,
 * or the meetings channel, which the relay works out from meetings): such a list only updates
 * the rows it shows.
 */
export function belongs(conversation: Conversation, query: InboxQuery, agentId: string): boolean | null {
  if (query.q || query.channel === 'meeting') return null;
  if (!inView(conversation, query.view, agentId)) return false;
  if (query.siteId && conversation.siteId !== query.siteId) return false;
  if (query.channel && conversation.channel !== query.channel) return false;
  if (query.status && conversation.status !== query.status) return false;
  if (query.priority && conversation.priority !== query.priority) return false;
  if (query.tag && !conversation.tags.includes(query.tag)) return false;
  if (query.assigneeId && conversation.assigneeId !== query.assigneeId) return false;
  if (query.teamId && (conversation.teamId ?? null) !== query.teamId) return false;
  return true;
}

const NEVER = '\uffff';
const descending = (a: string | null, b: string | null) =>
  (b ?? '') < (a ?? '') ? -1 : (b ?? '') > (a ?? '') ? 1 : 0;

/** The relay's order: latest activity first, or longest-waiting visitor first. */
export function byQueryOrder(sort: InboxQuery['sort']): (a: InboxItem, b: InboxItem) => number {
  return ({ conversation: a }, { conversation: b }) => {
    if (sort === 'waiting') {
      const wait = (a.waitingSince ?? NEVER).localeCompare(b.waitingSince ?? NEVER);
      if (wait !== 0) return wait;
      return descending(a.lastMessageAt, b.lastMessageAt) || descending(a.id, b.id);
    }
    return (
      descending(a.lastMessageAt, b.lastMessageAt) ||
      descending(a.createdAt, b.createdAt) ||
      descending(a.id, b.id)
    );
  };
}

/** The list after a change: the row updated in place, moved to its new place, dropped, or added. */
export function listAfter(
  items: InboxItem[],
  change: InboxChange,
  query: InboxQuery,
  agentId: string,
): InboxItem[] {
  const row = change.item;
  const at = items.findIndex((item) => item.conversation.id === row.conversation.id);
  const fits = belongs(row.conversation, query, agentId);
  if (fits === null) {
    if (at < 0) return items;
    const next = [...items];
    // A search row keeps the message that matched.
    next[at] = items[at]!.match ? { ...row, match: items[at]!.match } : row;
    return next;
  }
  const rest = at < 0 ? items : items.filter((_, i) => i !== at);
  if (!fits) return rest;
  const order = byQueryOrder(query.sort);
  const place = rest.findIndex((item) => order(row, item) < 0);
  const next = place < 0 ? [...rest, row] : [...rest.slice(0, place), row, ...rest.slice(place)];
  return next.slice(0, PAGE);
}

/** The counts after a conversation moved from `before` (null: in no view) to where the change puts it. */
export function countsAfter(
  counts: InboxCounts,
  before: InboxPlacement | null,
  change: InboxChange,
  agentId: string,
): InboxCounts {
  const next = { ...counts };
  for (const view of INBOX_VIEWS) {
    const was = before !== null && inView(before, view, agentId);
    const is = inView(change.item.conversation, view, agentId);
    next[view] = Math.max(0, next[view] + Number(is) - Number(was));
  }
  return next;
}

/** How an announcement relates to what the console holds of its conversation. */
export type Arrival =
  /** Older than (or the same as) what is held: nothing to do. */
  | 'stale'
  /** The next one, or one of a conversation the console knew nothing of. */
  | 'next'
  /** Announcements were missed in between: apply it, then ask the relay again. */
  | 'gap';

/** Conversations the console knows of: past this many it forgets them (and trusts the relay's `before`). */
const MAX_KNOWN = 5_000;

/**
 * The revision and placement the console holds of each conversation it has seen, from the
 * relay's answers and from announcements; the placement is where its counts have it.
 */
export class Known {
  private readonly held = new Map<string, { revision: number; placement: InboxPlacement }>();

  /** Records rows as the relay answered them (a fresh list). */
  rows(items: InboxItem[]): void {
    for (const { conversation, revision } of items) {
      const held = this.held.get(conversation.id);
      if (held && held.revision > (revision ?? 0)) continue;
      this.set(conversation.id, revision ?? 0, conversation);
    }
  }

  /** Where the counts have the conversation: what is held, else the relay's word; undefined: unknown. */
  placement(change: InboxChange): InboxPlacement | null | undefined {
    return this.held.get(change.item.conversation.id)?.placement ?? change.before;
  }

  /** Records an announcement and says how it arrived. */
  take(change: InboxChange): Arrival {
    const id = change.item.conversation.id;
    const held = this.held.get(id);
    if (held && change.revision <= held.revision) return 'stale';
    this.set(id, change.revision, change.item.conversation);
    return held && change.revision > held.revision + 1 ? 'gap' : 'next';
  }

  clear(): void {
    this.held.clear();
  }

  private set(id: string, revision: number, { status, assigneeId }: InboxPlacement): void {
    if (this.held.size >= MAX_KNOWN && !this.held.has(id)) this.held.clear();
    this.held.set(id, { revision, placement: { status, assigneeId } });
  }
}
