import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emailConversation, freePort, startTestRelay } from '../testing';

let env: Awaited<ReturnType<typeof startTestRelay>>;

beforeAll(async () => {
  // Nothing listens at this SMTP address: every send fails.
  env = await startTestRelay({
    smtpUrl: `smtp://127.0.0.1:${await freePort()}`,
    inboundDomain: 'parley.test',
    emailTickMs: 50,
  });
});
afterAll(() => env.relay.close());

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });
const jobs = () => env.relay.connection.collection('emailjobs');

async function escalated() {
  const { conversationId } = await emailConversation(
    env.relay,
    env.admin.agent,
    env.site.id,
    'vera@example.com',
  );
  return new ObjectId(conversationId);
}

describe('the conversation email outbox', () => {
  it('waits 30 s after a first failure, then gives up after the last attempt, on the timeline', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const conversationId = await escalated();
    let job: Record<string, unknown> | null = null;
    await eventually(async () => {
      job = await jobs().findOne({ conversationId, kind: 'escalation', attempts: 1 });
      expect(job).not.toBeNull();
      expect((job!.leaseUntil as Date).getTime()).toBe(0);
    });
    const wait = (job!.dueAt as Date).getTime() - Date.now();
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);

    // Eleven attempts have failed; the twelfth is the last.
    await jobs().updateOne(
      { conversationId, kind: 'escalation' },
      { $set: { attempts: 11, dueAt: new Date() } },
    );
    env.relay.services.email.due.emit('due');
    await eventually(async () => expect(await jobs().countDocuments({ conversationId })).toBe(0));
    const timeline = await env.relay.services.conversations.timeline(conversationId.toHexString());
    const givenUp = timeline.find((m) => m.data?.name === 'email_not_sent');
    expect(givenUp).toMatchObject({
      visibility: 'agents',
      body: 'Not emailed: the mail server refused it 12 times',
    });
    vi.restoreAllMocks();
  });
});
