// HTTP routes for site administration in the console: the agent's sites, and for admins
// creating a site, changing its settings and rotating its identity secret.
import { siteAdminUpdateSchema, siteCreateSchema } from '@parley/protocol/schemas';
import { Router } from 'express';
import { requireAgent } from '../agents/http-auth';
import { agentOf, idParam, requireAdmin, route } from '../agents/route';
import { sendError } from '../http/errors';
import { parse } from '../http/parse';
import type { Services } from '../services';

export function siteRouter(services: Services): Router {
  const router = Router();
  const signedIn = requireAgent(services);

  router.get(
    '/api/sites',
    signedIn,
    route(async (_req, res) => {
      res.json({ ok: true, sites: await services.siteAdmin.list(agentOf(res).siteIds) });
    }),
  );

  router.post(
    '/api/sites',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const input = parse(siteCreateSchema, req.body, res);
      if (!input) return;
      res.status(201).json({ ok: true, ...(await services.siteAdmin.create(input)) });
    }),
  );

  router.patch(
    '/api/sites/:id',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const id = idParam(req, res);
      const input = id && parse(siteAdminUpdateSchema, req.body, res);
      if (!id || !input) return;
      const result = await services.siteAdmin.update(id, input);
      if (!result.ok) return sendError(res, result.code, result.message);
      res.json(result);
    }),
  );

  router.post(
    '/api/sites/:id/identity-secret',
    signedIn,
    requireAdmin,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      const result = await services.siteAdmin.rotateSecret(id);
      if (!result.ok) return sendError(res, result.code, result.message);
      res.json(result);
    }),
  );

  return router;
}
