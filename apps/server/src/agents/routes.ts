// HTTP routes for agents and the console: sign-in and sessions, presence, agents and teams; the
// inbox API (conversations/routes.ts); the console app. Canned responses and site administration
// have routes of their own (canned/routes.ts, sites/routes.ts).
import {
  acceptInviteSchema,
  agentUpdateSchema,
  inviteSchema,
  loginSchema,
  passwordChangeSchema,
  presenceSchema,
  teamSchema,
} from '@parley/protocol/schemas';
import { Router } from 'express';
import type { Config } from '../config';
import { conversationRouter } from '../conversations/routes';
import { sendError } from '../http/errors';
import { parse } from '../http/parse';
import { builtFiles, CACHE_IMMUTABLE, sendBuilt } from '../http/precompressed';
import type { Services } from '../services';
import { RateBuckets } from '../shared/rate-buckets';
import { clearSessionCookie, sessionFromCookieHeader, setSessionCookie } from './cookie';
import { requireAgent, requireSameOrigin } from './http-auth';
import { agentOf, idParam, requireAdmin, route } from './route';

export function agentRouter(services: Services, config: Config): Router {
  const router = Router();
  const secure = config.publicUrl.startsWith('https:');
  const cookie = { secure, maxAgeMs: config.sessionTtlHours * 3600_000 };
  const perMinute = config.loginAttemptsPerMinute;
  // Per email: guessing one agent's password. Per address (looser, offices share one): trying
  // a few passwords against many emails. The address is checked first, so attempts it refuses
  // never make email buckets, which could otherwise crowd out the one a guesser has emptied.
  const attemptsByEmail = new RateBuckets(perMinute / 60, perMinute, 50_000);
  const attemptsByAddress = new RateBuckets(perMinute / 6, perMinute * 10);
  const signedIn = requireAgent(services);

  router.post(
    '/api/auth/login',
    route(async (req, res) => {
      const input = parse(loginSchema, req.body, res);
      if (!input) return;
      if (!attemptsByAddress.take(req.ip ?? 'unknown') || !attemptsByEmail.take(input.email)) {
        return sendError(res, 'rate_limited', 'too many sign-in attempts: wait a minute and try again');
      }
      const result = await services.agents.signIn(input.email, input.password);
      if (!result)
        return sendError(res, 'unauthorized', 'that email and password do not match an active agent');
      setSessionCookie(res, result.session, cookie);
      res.json({ ok: true, agent: await services.agents.byId(result.agent.id) });
    }),
  );

  router.post(
    '/api/auth/invite',
    route(async (req, res) => {
      const input = parse(acceptInviteSchema, req.body, res);
      if (!input) return;
      const result = await services.agents.acceptInvite(input.token, input.password);
      if (!result.ok) return sendError(res, result.code, result.message);
      setSessionCookie(res, result.session, cookie);
      res.json({ ok: true, agent: await services.agents.byId(result.agent.id) });
    }),
  );

  router.post(
    '/api/auth/logout',
    requireSameOrigin,
    route(async (req, res) => {
      const session = sessionFromCookieHeader(req.get('cookie'));
      if (session) await services.agents.signOut(session);
      clearSessionCookie(res, { secure });
      res.json({ ok: true });
    }),
  );

  router.get(
    '/api/auth/me',
    signedIn,
    route(async (_req, res) => {
      const agent = agentOf(res);
      const [profile, sites] = await Promise.all([
        services.agents.byId(agent.id),
        services.siteAdmin.list(agent.siteIds),
      ]);
      res.json({
        ok: true,
        agent: profile,
        sites: sites.map((s) => ({
          id: s.id,
          name: s.name,
          firstResponseTargetSec: s.firstResponseTargetSec,
        })),
      });
    }),
  );

  router.post(
    '/api/auth/password',
    signedIn,
    route(async (req, res) => {
      const input = parse(passwordChangeSchema, req.body, res);
      if (!input) return;
      const result = await services.agents.changePassword(
        agentOf(res).id,
        input.currentPassword,
        input.newPassword,
      );
      if (!result.ok) return sendError(res, result.code, result.message);
      setSessionCookie(res, result.session, cookie);
      res.json({ ok: true });
    }),
  );

  router.put(
    '/api/me/presence',
    signedIn,
    route(async (req, res) => {
      const input = parse(presenceSchema, req.body, res);
      if (!input) return;
      res.json({ ok: true, agent: await services.agents.setPresence(agentOf(res).id, input.presence) });
    }),
  );

  router.get(
    '/api/agents',
    signedIn,
    route(async (_req, res) => {
      res.json({ ok: true, agents: await services.agents.list(agentOf(res)) });
    }),
  );

  router.post(
    '/api/agents',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const input = parse(inviteSchema, req.body, res);
      if (!input) return;
      const result = await services.agents.invite(input);
      if (!result.ok) return sendError(res, result.code, result.message);
      res.status(201).json({
        ok: true,
        agent: result.agent,
        inviteUrl: `${config.publicUrl}/console/#/invite/${result.inviteToken}`,
      });
    }),
  );

  router.patch(
    '/api/agents/:id',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const id = idParam(req, res);
      const input = id && parse(agentUpdateSchema, req.body, res);
      if (!id || !input) return;
      if (id === agentOf(res).id && (input.active === false || input.role === 'agent')) {
        return sendError(res, 'bad_request', 'you cannot deactivate or demote yourself');
      }
      const agent = await services.agents.update(id, input);
      if (!agent) return sendError(res, 'not_found', 'no such agent');
      res.json({ ok: true, agent });
    }),
  );

  router.get(
    '/api/teams',
    signedIn,
    route(async (_req, res) => {
      res.json({ ok: true, teams: await services.agents.listTeams(agentOf(res)) });
    }),
  );

  router.post(
    '/api/teams',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const input = parse(teamSchema, req.body, res);
      if (!input) return;
      const result = await services.agents.createTeam(input.name);
      if (!result.ok) return sendError(res, result.code, result.message);
      res.status(201).json(result);
    }),
  );

  router.delete(
    '/api/teams/:id',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      if (!(await services.agents.deleteTeam(id))) return sendError(res, 'not_found', 'no such team');
      res.json({ ok: true });
    }),
  );

  router.use(conversationRouter(services, signedIn));
  router.use(consoleApp(config.consoleDir, config.publicUrl));
  return router;
}

/**
 * The built console at /console/, with a CSP that allows only its own scripts, images and the
 * relay's own origin (its WebSocket too: older browsers do not count ws: as 'self'). Nothing it
 * shows loads from elsewhere, so an injected tag can neither beacon out nor connect out.
 */
function consoleApp(directory: string, publicUrl: string): Router {
  const router = Router();
  const relay = new URL(publicUrl);
  const socketOrigin = `${relay.protocol === 'https:' ? 'wss:' : 'ws:'}//${relay.host}`;
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${socketOrigin}`,
    "media-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
  router.use('/console', (_req, res, next) => {
    res.set({
      'Content-Security-Policy': policy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
    });
    next();
  });
  // Vite names everything under assets/ by its content; index.html keeps its URL, so browsers
  // revalidate it (by ETag) and never run an old page against assets a new build removed.
  router.use(
    '/console',
    builtFiles(directory, (file) => ({
      'Cache-Control': file.startsWith('assets/') ? CACHE_IMMUTABLE : 'no-cache',
    })),
  );
  router.get('/console/{*rest}', async (req, res) => {
    if (!(await sendBuilt(req, res, directory, 'index.html', { 'Cache-Control': 'no-cache' }))) {
      res
        .status(503)
        .type('text')
        .send('The console is not built yet: run `pnpm --filter @parley/console build`.');
    }
  });
  return router;
}
