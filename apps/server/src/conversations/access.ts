// Who may reach which conversations, as one rule with two readings (a filter for queries, a test
// for a conversation whose owners are known), and the one way a caller's filter joins a guard.
import { ObjectId } from 'mongodb';

/**
 * Who may reach a conversation: its visitor (on a browser opened from a continue link, only that
 * link's conversation), the agents of its site, or anyone (admins, Parley).
 */
export type Access = { visitorId: string; conversationId?: string } | { siteIds: string[] } | 'any';

/** The owners that decide access to a conversation; they never change. */
export interface Owners {
  siteId: string;
  visitorId: string;
}

/** An agent's reach: the conversations of its sites, or every one for an admin (null). */
export const sitesAccess = (siteIds: string[] | null): Access => (siteIds === null ? 'any' : { siteIds });

/** The conversations `access` reaches, as a filter. */
export function accessFilter(access: Access): Record<string, unknown> {
  if (access === 'any') return {};
  if ('visitorId' in access) {
    const visitorId = new ObjectId(access.visitorId);
    return access.conversationId ? { visitorId, _id: new ObjectId(access.conversationId) } : { visitorId };
  }
  return { siteId: { $in: access.siteIds.map((id) => new ObjectId(id)) } };
}

/** Whether `access` reaches conversation `conversationId`, with these owners; the same rule as accessFilter. */
export function reaches(access: Access, owners: Owners, conversationId: string): boolean {
  if (access === 'any') return true;
  if ('visitorId' in access) {
    return (
      access.visitorId === owners.visitorId &&
      (access.conversationId === undefined || access.conversationId === conversationId)
    );
  }
  return access.siteIds.includes(owners.siteId);
}

/** The conversations of an agent's sites (all of them for an admin), as a filter. */
export const agentGuard = (agent: { siteIds: string[] | null }) => accessFilter(sitesAccess(agent.siteIds));

/**
 * A guard narrowed by a caller's filter. Spreading the two into one object lets a filter's
 * `siteId` or `visitorId` replace the guard's; under `$and` a filter can only take matches away.
 * @example narrow(agentGuard(agent), { siteId: new ObjectId(query.siteId) })
 */
export function narrow(
  guard: Record<string, unknown>,
  filter: Record<string, unknown>,
): Record<string, unknown> {
  if (Object.keys(guard).length === 0) return filter;
  if (Object.keys(filter).length === 0) return guard;
  return { $and: [guard, filter] };
}
