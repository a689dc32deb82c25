// Held mail: inbound email that may not join a timeline by itself (no thread, another sender,
// failed verification), kept for an admin within a cap per site, then released or discarded.
import type { HeldEmailView, Result } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { type Types, trusted } from 'mongoose';
import type { EmailContext } from './context';
import type { EmailDoc, EmailThreadDoc } from './model';
import { emailView } from './threads';
import { type AddedEmail, addToTimeline } from './timeline';

/**
 * Held mail an admin has not dealt with, per site (mail to no thread at all counts as one more
 * "site"): past either limit new mail to be held is refused (552) and what is held stays, so a
 * flood cannot push out mail an admin still has to look at.
 */
export const MAX_HELD_PER_SITE = 100;
export const MAX_HELD_BYTES_PER_SITE = 50 * 1024 * 1024;

/** Whether the site may hold one more email of `bytes` (MAX_HELD_PER_SITE, MAX_HELD_BYTES_PER_SITE). */
export async function roomToHold(
  ctx: EmailContext,
  siteId: Types.ObjectId | null,
  bytes: number,
): Promise<boolean> {
  const [usage] = await ctx.models.emails.aggregate<{ count: number; bytes: number }>([
    { $match: { direction: 'in', disposition: 'held', siteId } },
    { $group: { _id: null, count: { $sum: 1 }, bytes: { $sum: '$size' } } },
  ]);
  if (!usage) return bytes <= MAX_HELD_BYTES_PER_SITE;
  return usage.count < MAX_HELD_PER_SITE && usage.bytes + bytes <= MAX_HELD_BYTES_PER_SITE;
}

/** Inbound mail waiting for an admin, newest first. */
export async function held(ctx: EmailContext, limit = 100): Promise<HeldEmailView[]> {
  const docs = await ctx.models.emails
    .find({ direction: 'in', disposition: 'held' })
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean<EmailDoc[]>();
  return docs.map((doc) => ({ ...emailView(doc), reason: doc.heldReason ?? 'unknown_token' }));
}

/**
 * An admin vouches for a held reply: it joins its conversation's timeline as the visitor's.
 * Only mail that reached a real thread can be released; the rest has nowhere to go.
 */
export async function releaseHeld(
  ctx: EmailContext,
  emailId: string,
): Promise<Result<{ outcome: AddedEmail }>> {
  const record = await ctx.models.emails
    .findOneAndUpdate(
      { _id: emailId, disposition: 'held', conversationId: trusted({ $ne: null }) },
      { $set: { disposition: 'added', heldReason: null } },
      { returnDocument: 'after' },
    )
    .lean<EmailDoc>();
  if (!record) return failure('not_found', 'no held email of a conversation with this id');
  const thread = await ctx.models.threads
    .findOne({ conversationId: record.conversationId })
    .lean<EmailThreadDoc>();
  if (!thread) return failure('not_found', 'the conversation has no email thread any more');
  return { ok: true, outcome: await addToTimeline(ctx, record, thread) };
}

/** Drops a held email for good. */
export async function discardHeld(ctx: EmailContext, emailId: string): Promise<boolean> {
  const gone = await ctx.models.emails.deleteOne({ _id: emailId, disposition: 'held' });
  if (gone.deletedCount > 0) await ctx.models.attachments.deleteMany({ emailId });
  return gone.deletedCount > 0;
}
