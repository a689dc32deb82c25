// Retries answered from the store: a send that may have been made before gets its stored copy,
// but only once its sender is known to reach the conversation, so a client id tried on someone
// else's conversation reads nothing (security/retry-access.test.ts).
import { type Collection, ObjectId } from 'mongodb';
import { type Access, type Owners, reaches } from './access';
import type { ConversationDoc, MessageDoc } from './model';

/** A message as its client knows it: the conversation and the client's id for the message. */
export const messageKey = (conversationId: string, clientMsgId: string) => `${conversationId}/${clientMsgId}`;

/** A send that may have been made before, and whose conversations its sender reaches. */
export interface Retry {
  conversationId: string;
  clientMsgId: string;
  access: Access;
}

/**
 * The stored copies of the `retries` whose sender reaches their conversation. Owners come from
 * `knownOwners` (what the writer remembers), else from one read of the conversations asked about.
 */
export async function storedCopies(
  retries: Retry[],
  knownOwners: (conversationId: string) => Owners | undefined,
  conversations: Collection<ConversationDoc>,
  messages: Collection<MessageDoc>,
): Promise<MessageDoc[]> {
  const reachable = await reachableRetries(retries, knownOwners, conversations);
  if (reachable.size === 0) return [];
  // One index seek per client id (they are random, so a match on another conversation is
  // vanishingly rare and filtered below); $in on both fields would seek their cross product.
  const docs = await messages
    .find({ clientMsgId: { $in: [...reachable.values()].map((r) => r.clientMsgId) } })
    .toArray();
  return docs.filter((doc) => reachable.has(messageKey(doc.conversationId.toHexString(), doc.clientMsgId)));
}

/** The retries whose sender reaches their conversation, by messageKey. */
async function reachableRetries(
  retries: Retry[],
  knownOwners: (conversationId: string) => Owners | undefined,
  conversations: Collection<ConversationDoc>,
): Promise<Map<string, Retry>> {
  const owners = new Map<string, Owners>();
  const unknown = new Set<string>();
  for (const { conversationId } of retries) {
    const known = knownOwners(conversationId);
    if (known) owners.set(conversationId, known);
    else unknown.add(conversationId);
  }
  if (unknown.size > 0) {
    const docs = await conversations
      .find(
        { _id: { $in: [...unknown].map((id) => new ObjectId(id)) } },
        { projection: { siteId: 1, visitorId: 1 } },
      )
      .toArray();
    for (const doc of docs) {
      owners.set(doc._id.toHexString(), {
        siteId: doc.siteId.toHexString(),
        visitorId: doc.visitorId.toHexString(),
      });
    }
  }
  const allowed = new Map<string, Retry>();
  for (const retry of retries) {
    const route = owners.get(retry.conversationId);
    if (route && reaches(retry.access, route, retry.conversationId))
      allowed.set(messageKey(retry.conversationId, retry.clientMsgId), retry);
  }
  return allowed;
}
