// For the inbox hooks' tests: a relay in this process, an agent signed in the way the console is
// (a session cookie for the page's fetches, a live client on the agent namespace), a colleague,
// and visitors writing in on real sockets.
import type { ChatClient } from '@parley/client';
import { newClientId } from '@parley/client';
import { startTestRelay } from '@parley/server/testing';
import { agentClient, ready, visitorClient } from '@parley/server/testing/clients';
import { expect, vi } from 'vitest';
import { api } from '../api';
import { pageOrigin } from '../email/relay-dom';

const PASSWORD = 'correct horse battery';

export const eventually = <T>(check: () => T | Promise<T>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });

export type Desk = Awaited<ReturnType<typeof openDesk>>;

/** Starts the relay and signs Ana in; `close` stops everything it opened. */
export async function openDesk() {
  const env = await startTestRelay();
  const { services } = env.relay;
  const ana = await services.agents.create({
    email: 'ana@desk.test',
    name: 'Ana Desk',
    role: 'agent',
    siteIds: [env.site.id],
    password: PASSWORD,
  });
  const bob = await services.agents.create({
    email: 'bob@desk.test',
    name: 'Bob Colleague',
    role: 'agent',
    siteIds: [env.site.id],
  });
  pageOrigin(env.relay.url);
  await api.login('ana@desk.test', PASSWORD);
  const client = await ready(agentClient(env.relay.url, ana.token));
  const visitors: ChatClient[] = [client];

  /** A new visitor starts a chat with `text`; the conversation's id. */
  const visitorWrites = async (text: string) => {
    const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    visitors.push(visitor);
    const started = await visitor.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    visitor.send(started.conversation.id, text);
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    return { id: started.conversation.id, visitor };
  };

  return {
    env,
    services,
    ana: ana.agent,
    bob: bob.agent,
    client,
    visitorWrites,
    async close() {
      for (const c of visitors) c.close();
      await env.relay.close();
    },
  };
}
