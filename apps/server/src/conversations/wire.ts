// Stored documents as the protocol's wire shapes.
import type { Conversation, Message, Result, VisitorConversation } from '@parley/protocol';
import { VISITOR_CONVERSATION_FIELDS } from '@parley/protocol';
import type { ConversationDoc, MessageDoc } from './model';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

export function toConversation(doc: ConversationDoc): Conversation {
  return {
    id: doc._id.toHexString(),
    siteId: doc.siteId.toHexString(),
    visitorId: doc.visitorId.toHexString(),
    status: doc.status,
    channel: doc.channel,
    assigneeId: doc.assigneeId ? doc.assigneeId.toHexString() : null,
    priority: doc.priority,
    tags: doc.tags,
    seq: doc.seq,
    visitorSeenSeq: doc.visitorSeenSeq,
    agentSeenSeq: doc.agentSeenSeq,
    createdAt: doc.createdAt.toISOString(),
    lastMessageAt: iso(doc.lastMessageAt),
    firstResponseAt: iso(doc.firstResponseAt),
    resolvedAt: iso(doc.resolvedAt),
    emailTo: doc.emailTo ?? null,
    teamId: doc.teamId ? doc.teamId.toHexString() : null,
    snoozedUntil: iso(doc.snoozedUntil),
    waitingSince: iso(doc.waitingSince),
    rating: doc.rating?.score
      ? {
          score: doc.rating.score,
          comment: doc.rating.comment ?? null,
          ratedAt: iso(doc.rating.ratedAt) ?? '',
        }
      : null,
  };
}

/** What a visitor is told of a conversation: its own view, none of the agents' fields. */
export function toVisitorConversation(conversation: Conversation): VisitorConversation {
  const view: Record<string, unknown> = {};
  for (const field of VISITOR_CONVERSATION_FIELDS) {
    if (conversation[field] !== undefined) view[field] = conversation[field];
  }
  return view as VisitorConversation;
}

/** An answer to a visitor: its conversation in the visitor's view. */
export function forVisitor(
  result: Result<{ conversation: Conversation }>,
): Result<{ conversation: VisitorConversation }> {
  return result.ok ? { ok: true, conversation: toVisitorConversation(result.conversation) } : result;
}

export function toMessage(doc: MessageDoc): Message {
  const author: Message['author'] = { kind: doc.author.kind, id: doc.author.id };
  if (doc.author.name) author.name = doc.author.name;
  const message: Message = {
    id: doc._id.toHexString(),
    conversationId: doc.conversationId.toHexString(),
    seq: doc.seq,
    clientMsgId: doc.clientMsgId,
    type: doc.type ?? 'message',
    visibility: doc.visibility ?? 'all',
    author,
    body: doc.body ?? '',
    channel: doc.channel ?? 'chat',
    createdAt: doc.createdAt.toISOString(),
  };
  if (doc.data) message.data = doc.data as Message['data'];
  if (doc.redacted && doc.redacted.length > 0) message.redacted = doc.redacted as Message['redacted'];
  return message;
}
