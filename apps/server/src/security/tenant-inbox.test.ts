// Issue 12, item 1: a caller's filter narrows the access guard and never replaces it, and the
// agent and team lists show only the caller's sites.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay } from '../testing';
import { ConsoleHttp } from '../testing/console-http';

let env: Awaited<ReturnType<typeof startTestRelay>>;
let victim: { conversationId: string; visitorId: string };
let outsider: AgentHttp;
let siteless: AgentHttp;
const SECRET = 'ultramarine-voucher-4471';

type AgentHttp = ReturnType<typeof asAgent>;
const asAgent = (token: string) => {
  const http = new ConsoleHttp(env.relay.url);
  return {
    get: (path: string) => http.request('GET', path, undefined, { authorization: `Bearer ${token}` }),
  };
};

beforeAll(async () => {
  env = await startTestRelay();
  const { services } = env.relay;
  const { visitor } = await services.visitors.mint(env.site.id);
  const actor = { kind: 'visitor' as const, visitorId: visitor.id, siteId: env.site.id };
  const { conversation } = await services.conversations.start(actor, 'victim');
  const sent = await services.conversations.send(actor, {
    conversationId: conversation.id,
    clientMsgId: 'victim-1',
    body: `my code is ${SECRET}`,
  });
  expect(sent.ok).toBe(true);
  victim = { conversationId: conversation.id, visitorId: visitor.id };
  const team = await services.agents.createTeam('Test Shop billing');
  if (!team.ok) throw new Error(team.message);
  await services.agents.update(env.agent.agent.id, { teamIds: [team.team.id] });
  const none = await services.agents.create({ email: 'none@t.test', name: 'No Sites', role: 'agent' });
  outsider = asAgent(env.outsider.token);
  siteless = asAgent(none.token);
});
afterAll(async () => {
  await env.relay.close();
});

describe("a query's site filter", () => {
  const victimSite = () => env.site.id;

  it.each([
    ['the inbox', () => `/api/inbox?view=open&siteId=${victimSite()}`],
    ['search', () => `/api/inbox?siteId=${victimSite()}&q=${SECRET}`],
    ['every view', () => `/api/inbox?view=unassigned&siteId=${victimSite()}&sort=waiting`],
  ])('cannot widen %s to another site', async (_name, path) => {
    for (const agent of [outsider, siteless]) {
      const response = await agent.get(path());
      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([]);
      expect(response.text).not.toContain(victim.conversationId);
    }
  });

  it('cannot widen an export to another site', async () => {
    for (const agent of [outsider, siteless]) {
      for (const query of [`siteId=${victimSite()}`, `siteId=${victimSite()}&q=${SECRET}`]) {
        const response = await agent.get(`/api/export?format=json&view=open&${query}`);
        expect(response.body.conversations).toEqual([]);
        expect(response.text).not.toContain(SECRET);
      }
    }
  });

  it('still narrows the caller’s own sites', async () => {
    const own = asAgent(env.agent.token);
    const mine = await own.get(`/api/inbox?siteId=${env.site.id}&q=${SECRET}`);
    expect(mine.text).toContain(victim.conversationId);
    const elsewhere = await own.get(`/api/inbox?siteId=${env.otherSite.id}`);
    expect(elsewhere.body.items).toEqual([]);
  });
});

describe('agent and team lists', () => {
  it("show an agent of another site neither the site's agents nor its ids", async () => {
    const agents = await outsider.get('/api/agents');
    expect(agents.status).toBe(200);
    const listed = agents.body.agents as { id: string; siteIds: string[] | null }[];
    expect(listed.map((a) => a.id)).toContain(env.outsider.agent.id);
    expect(listed.map((a) => a.id)).not.toContain(env.agent.agent.id);
    expect(agents.text).not.toContain(`"${env.site.id}"`);
    const teams = await outsider.get('/api/teams');
    expect(teams.body.teams).toEqual([]);
    const none = await siteless.get('/api/agents');
    expect(none.text).not.toContain(`"${env.site.id}"`);
  });

  it('show an agent of the site its colleagues and teams, and an admin everything', async () => {
    const own = await asAgent(env.agent.token).get('/api/teams');
    expect((own.body.teams as { name: string }[]).map((t) => t.name)).toEqual(['Test Shop billing']);
    const admin = asAgent(env.admin.token);
    const all = (await admin.get('/api/agents')).body.agents as { id: string }[];
    expect(all.map((a) => a.id)).toEqual(expect.arrayContaining([env.agent.agent.id, env.outsider.agent.id]));
    expect((await admin.get('/api/teams')).body.teams).toHaveLength(1);
  });
});
