// Small pieces every console route shares.
import type { NextFunction, Request, Response } from 'express';
import type { Agent } from './service';

/** Hands a rejected promise to Express's error handler, so every failure gets the JSON error shape. */
export const route =
  (run: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction) =>
    run(req, res).catch(next);

/** The agent `requireAgent` authenticated. */
export const agentOf = (res: Response): Agent => res.locals.agent as Agent;
