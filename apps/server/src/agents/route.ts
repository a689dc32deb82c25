// Small pieces every console route shares.
import { idSchema } from '@parley/protocol/schemas';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from '../http/errors';
import { parse } from '../http/parse';
import type { Agent } from './service';

/** Hands a rejected promise to Express's error handler, so every failure gets the JSON error shape. */
export const route =
  (run: (req: Request, res: Response) => Promise<unknown>) =>
  (req: Request, res: Response, next: NextFunction) =>
    run(req, res).catch(next);

/** The agent `requireAgent` authenticated. */
export const agentOf = (res: Response): Agent => res.locals.agent as Agent;

/** After `requireAgent`: lets admins through, answers 403 to everyone else. */
export function requireAdmin(_req: Request, res: Response, next: NextFunction) {
  if (agentOf(res).role !== 'admin') return sendError(res, 'forbidden', 'only admins can do this');
  next();
}

/** The `:id` of a route, or a 400 when it is not an id. */
export function idParam(req: Request, res: Response): string | null {
  return parse(idSchema, req.params.id, res);
}
