// Satisfaction ratings: a visitor rates a resolved conversation of their own, once or again
// with a comment. The rating lives on the conversation; agents also see it on the timeline.
import type { Conversation, Result } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { type Collection, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { type ConversationDoc, conversationModel } from './model';
import type { ConversationService } from './service';
import { toConversation } from './wire';

export class RatingService {
  private readonly collection: Collection<ConversationDoc>;

  constructor(
    connection: Connection,
    private readonly conversations: ConversationService,
  ) {
    this.collection = conversationModel(connection).collection as unknown as Collection<ConversationDoc>;
  }

  /**
   * Stores the visitor's rating of a resolved conversation and announces the change.
   * @example await ratings.rate({ visitorId }, { conversationId, score: 5, comment: 'Quick and kind' })
   */
  async rate(
    visitor: { visitorId: string },
    input: { conversationId: string; score: number; comment?: string | undefined },
  ): Promise<Result<{ conversation: Conversation }>> {
    const ratedAt = new Date();
    const filter = { _id: new ObjectId(input.conversationId), visitorId: new ObjectId(visitor.visitorId) };
    const doc = await this.collection.findOneAndUpdate(
      { ...filter, status: 'resolved' },
      { $set: { rating: { score: input.score, comment: input.comment || null, ratedAt } } },
      { returnDocument: 'after' },
    );
    if (!doc) {
      const exists = await this.collection.findOne(filter, { projection: { status: 1 } });
      return exists
        ? failure('conflict', 'only a resolved conversation can be rated')
        : failure('not_found', 'no such conversation');
    }
    const conversation = toConversation(doc);
    this.conversations.events.emit('conversation', conversation);
    await this.conversations.append(
      { kind: 'system' },
      {
        conversationId: conversation.id,
        // Each rating given (a tap, then perhaps a comment) is an entry of its own.
        clientMsgId: `rating-${ratedAt.getTime()}`,
        body: `Rated ${input.score}/5${input.comment ? `: ${input.comment}` : ''}`,
        type: 'event',
        visibility: 'agents',
        data: { name: 'rated', score: input.score, comment: input.comment ?? null },
      },
    );
    return { ok: true, conversation };
  }
}
