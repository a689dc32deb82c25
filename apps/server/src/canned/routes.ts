// HTTP routes for canned responses in the console: the agent's own and the shared ones, added
// and removed (who may change which is the service's rule).
import { cannedSchema } from '@parley/protocol/schemas';
import { Router } from 'express';
import { requireAgent } from '../agents/http-auth';
import { agentOf, idParam, route } from '../agents/route';
import { sendError } from '../http/errors';
import { parse } from '../http/parse';
import type { Services } from '../services';

export function cannedRouter(services: Services): Router {
  const router = Router();
  const signedIn = requireAgent(services);

  router.get(
    '/api/canned',
    signedIn,
    route(async (_req, res) => {
      res.json({ ok: true, canned: await services.canned.forAgent(agentOf(res)) });
    }),
  );

  router.post(
    '/api/canned',
    signedIn,
    route(async (req, res) => {
      const input = parse(cannedSchema, req.body, res);
      if (!input) return;
      const result = await services.canned.create(agentOf(res), input);
      if (!result.ok) return sendError(res, result.code, result.message);
      res.status(201).json(result);
    }),
  );

  router.delete(
    '/api/canned/:id',
    signedIn,
    route(async (req, res) => {
      const id = idParam(req, res);
      if (!id) return;
      const result = await services.canned.remove(agentOf(res), id);
      if (!result.ok) return sendError(res, result.code, result.message);
      res.json({ ok: true });
    }),
  );

  return router;
}
