// The changes of conversation state a sole writer (writer.ts) makes beside its inserts, applied in
// the order they are queued.
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { ConversationDoc } from './model';

/**
 * Writes queued while one bulkWrite is out go together in the next, so under load many batches
 * share one command.
 */
export class InOrder {
  private queued: { ops: AnyBulkWriteOperation<ConversationDoc>[]; done: (error?: unknown) => void }[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly collection: Collection<ConversationDoc>) {}

  /** Applies `ops` after everything queued before them; resolves once they are applied. */
  apply(ops: AnyBulkWriteOperation<ConversationDoc>[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ ops, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.running ??= this.run();
    });
  }

  private async run(): Promise<void> {
    while (this.queued.length > 0) {
      const group = this.queued.splice(0);
      try {
        // Journaled, like the inserts they go beside: a batch is acked once both are durable.
        await this.collection.bulkWrite(
          group.flatMap((g) => g.ops),
          { ordered: true, writeConcern: { w: 1, j: true } },
        );
        for (const g of group) g.done();
      } catch (error) {
        for (const g of group) g.done(error ?? new Error('conversation update failed'));
      }
    }
    this.running = null;
  }
}
