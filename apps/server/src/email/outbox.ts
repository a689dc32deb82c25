// The emails owed to conversations as durable jobs: agents' replies marked until they are
// scheduled (recovered after a stop), jobs scheduled and merged, and dispatched under the shared
// outbox policy (shared/outbox.ts) until sent or given up.
import type { EmailSiteSettings, Message } from '@parley/protocol';
import type { Collection } from 'mongodb';
import { trusted } from 'mongoose';
import type { OwedMessage, Route } from '../conversations/service';
import { claimItem, nextAttempt } from '../shared/outbox';
import { type EmailContext, isDuplicateKey } from './context';
import type { EmailJobDoc, EmailSiteSettingsDoc } from './model';
import { runJob } from './outbound';
import { threadFor } from './threads';
import { emailClientId } from './timeline';

type JobKind = EmailJobDoc['kind'];

/**
 * What an agent's reply is owed until this domain has dealt with it: on an email conversation,
 * its email; on a chat, the fallback email if the visitor gave an address. The mark is stored
 * with the message (ConversationService.owe), so a relay that stops in between leaves it for
 * the next pass of any relay's worker (recoverOwed).
 */
const OWED = 'email';
const isAgentReply = (m: OwedMessage) =>
  m.author.kind === 'agent' && m.type === 'message' && m.visibility === 'all';
/** Marks are cleared in bulk: one write for the replies of this long. */
const SETTLE_EVERY_MS = 100;

/**
 * From now on, agents' replies are stored marked until this domain has dealt with them. The
 * workers call it when the relay can send email: without it, nothing would ever clear a mark.
 */
export function oweReplies(ctx: EmailContext): void {
  if (ctx.owed.owing) return;
  ctx.owed.owing = true;
  ctx.deps.conversations.owe(OWED, isAgentReply);
}

/**
 * After each stored message: an agent's reply on an email conversation goes out now; on a chat
 * conversation, if the visitor gave an email, a fallback is set for when it is still unseen.
 */
export async function onMessage(ctx: EmailContext, message: Message, route: Route): Promise<void> {
  if (message.type === 'event' && message.data?.name === 'resolved') {
    await transcriptOnResolve(ctx, message, route.siteId);
    return;
  }
  if (!isAgentReply(message)) return;
  // The message carries the channel the conversation had when it was written, and the route its
  // visitor: nothing to read back on this path, which every agent reply takes. (The job checks
  // the channel again when it runs.)
  if (message.channel === 'email') {
    await schedule(ctx, message.conversationId, 'reply', new Date(), message.seq);
  } else {
    await scheduleFallback(ctx, message, route.visitorId, false);
  }
  settleSoon(ctx, message.id);
}

/**
 * On a chat, the fallback email for an agent's reply, when the visitor gave a working address.
 * Recovering, the reply may be older than those the pending fallback covers (scheduleCovering).
 */
async function scheduleFallback(
  ctx: EmailContext,
  message: Message,
  visitorId: string,
  recovering: boolean,
): Promise<boolean> {
  const visitor = await ctx.deps.visitors.byId(visitorId);
  if (!visitor?.email || visitor.emailFailing) return true;
  const dueAt = new Date(new Date(message.createdAt).getTime() + ctx.config.emailFallbackMs);
  if (recovering) return scheduleCovering(ctx, message.conversationId, 'fallback', message.seq, dueAt);
  await schedule(ctx, message.conversationId, 'fallback', dueAt, message.seq);
  return true;
}

/** Clears the reply's mark with the others of the next SETTLE_EVERY_MS. */
function settleSoon(ctx: EmailContext, messageId: string): void {
  ctx.owed.settling.add(messageId);
  ctx.owed.settleTimer ??= setTimeout(() => {
    flushSettled(ctx).catch((error) => console.error('parley: email marks not cleared yet', error));
  }, SETTLE_EVERY_MS);
}

/** Clears the marks waiting to be cleared now (the workers call it as they stop). */
export async function flushSettled(ctx: EmailContext): Promise<void> {
  if (ctx.owed.settleTimer) clearTimeout(ctx.owed.settleTimer);
  ctx.owed.settleTimer = null;
  const ids = [...ctx.owed.settling];
  ctx.owed.settling.clear();
  await ctx.deps.conversations.settle(ids, OWED);
}

/**
 * Schedules the emails of agents' replies that were stored but never scheduled (the relay
 * stopped in between): the reply email on an email conversation, the fallback on a chat. Only
 * once they are `emailRecoverAfterMs` old, so the usual path has had its turn; answers how many
 * it dealt with. A relay that stopped after scheduling but before clearing the mark has the
 * reply scheduled again: it may be emailed twice, never not at all.
 */
export async function recoverOwed(ctx: EmailContext): Promise<number> {
  const before = new Date(Date.now() - ctx.config.emailRecoverAfterMs);
  const owed = await ctx.deps.conversations.owedSince(OWED, before);
  let recovered = 0;
  for (const message of owed) {
    let done: boolean;
    if (message.channel === 'email') {
      done = await scheduleCovering(ctx, message.conversationId, 'reply', message.seq, new Date());
    } else {
      const conversation = await ctx.deps.conversations.byId(message.conversationId);
      done = !conversation || (await scheduleFallback(ctx, message, conversation.visitorId, true));
    }
    if (!done) continue;
    await ctx.deps.conversations.settle([message.id], OWED);
    recovered++;
  }
  return recovered;
}

/**
 * Makes the conversation's pending email of this kind cover `seq`, even when a later reply
 * already started it (its range grows down to `seq`); a new one is due at `dueAt`. False,
 * leaving it for the next pass, while that email is being sent: its range cannot change under
 * the worker.
 */
async function scheduleCovering(
  ctx: EmailContext,
  conversationId: string,
  kind: 'reply' | 'fallback',
  seq: number,
  dueAt: Date,
): Promise<boolean> {
  const now = new Date();
  try {
    await ctx.models.jobs.updateOne(
      { conversationId, kind, leaseUntil: trusted({ $lte: now }) },
      {
        $setOnInsert: { dueAt, leaseUntil: new Date(0), attempts: 0 },
        $min: { fromSeq: seq },
        $max: { upToSeq: seq },
      },
      { upsert: true },
    );
  } catch (error) {
    // A job under lease matches no filter, so the upsert meets the unique index.
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  ctx.due.emit('due');
  return true;
}

/** On resolve, when the site wants it: the transcript to the thread's address or the visitor's email. */
async function transcriptOnResolve(ctx: EmailContext, message: Message, siteId: string): Promise<void> {
  if (!(await siteSettings(ctx, siteId)).transcriptOnResolve) return;
  const conversation = await ctx.deps.conversations.byId(message.conversationId);
  if (!conversation) return;
  const ready = await threadFor(ctx, conversation, undefined);
  if (!ready.ok || ready.thread.failing) return;
  await schedule(ctx, conversation.id, 'transcript', new Date(), message.seq);
}

export async function siteSettings(ctx: EmailContext, siteId: string): Promise<EmailSiteSettings> {
  const doc = await ctx.models.siteSettings.findOne({ siteId }).lean<EmailSiteSettingsDoc>();
  return { transcriptOnResolve: doc?.transcriptOnResolve ?? false };
}

export async function updateSiteSettings(
  ctx: EmailContext,
  siteId: string,
  settings: EmailSiteSettings,
): Promise<EmailSiteSettings> {
  await ctx.models.siteSettings.updateOne({ siteId }, { $set: settings }, { upsert: true });
  return siteSettings(ctx, siteId);
}

/**
 * Adds entries up to `seq` to the conversation's pending email of this kind, or creates one due
 * at `dueAt`. Several replies before it is due join the same email.
 */
export async function schedule(
  ctx: EmailContext,
  conversationId: string,
  kind: JobKind,
  dueAt: Date,
  seq: number,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.models.jobs.updateOne(
        { conversationId, kind },
        {
          $setOnInsert: { dueAt, fromSeq: seq, leaseUntil: new Date(0), attempts: 0 },
          $max: { upToSeq: seq },
        },
        { upsert: true },
      );
      break;
    } catch (error) {
      if (!isDuplicateKey(error) || attempt > 2) throw error;
    }
  }
  if (dueAt.getTime() <= Date.now()) ctx.due.emit('due');
}

/**
 * Sends every email that is due, one job at a time; answers how many jobs ran. A job that fails
 * is tried again or given up by the outbox policy (shared/outbox.ts); one whose worker died is
 * taken over when its lease runs out.
 */
export async function dispatchDue(ctx: EmailContext): Promise<number> {
  const send = ctx.send;
  if (!send) return 0;
  let ran = 0;
  for (;;) {
    const now = new Date();
    const job = await claimItem(ctx.models.jobs.collection as unknown as Collection<EmailJobDoc>, {}, now);
    if (!job) return ran;
    ran++;
    try {
      await runJob(ctx, job, send);
      await finish(ctx, job);
    } catch (error) {
      const next = nextAttempt(job.attempts, new Date());
      console.error(
        `parley: email ${job.kind} for ${job.conversationId} failed` +
          (next ? ', will retry' : `; given up after ${job.attempts} attempts`),
        error,
      );
      if (next) {
        await ctx.models.jobs.updateOne({ _id: job._id }, { $set: { leaseUntil: new Date(0), dueAt: next } });
      } else {
        await giveUp(ctx, job);
      }
    }
  }
}

/** A job the outbox policy gave up on: the agents see it on the timeline, and it is done. */
async function giveUp(ctx: EmailContext, job: EmailJobDoc): Promise<void> {
  await ctx.deps.conversations.append(
    { kind: 'system' },
    {
      conversationId: job.conversationId.toHexString(),
      clientMsgId: emailClientId('email-given-up', `${job._id.toHexString()}:${job.upToSeq}`),
      body: `Not emailed: the mail server refused it ${job.attempts} times`,
      type: 'event',
      visibility: 'agents',
      channel: 'email',
      data: { name: 'email_not_sent', upToSeq: job.upToSeq },
    },
  );
  await finish(ctx, job);
}

/** Done with a job; entries that joined it while it was being sent get a run of their own. */
async function finish(ctx: EmailContext, job: EmailJobDoc): Promise<void> {
  const gone = await ctx.models.jobs.deleteOne({ _id: job._id, upToSeq: job.upToSeq });
  if (gone.deletedCount > 0) return;
  const delay = job.kind === 'fallback' ? ctx.config.emailFallbackMs : 0;
  await ctx.models.jobs.updateOne(
    { _id: job._id },
    {
      $set: {
        fromSeq: job.upToSeq + 1,
        dueAt: new Date(Date.now() + delay),
        leaseUntil: new Date(0),
        attempts: 0,
      },
    },
  );
  if (delay === 0) ctx.due.emit('due');
}
