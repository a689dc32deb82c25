// Authenticates agents on HTTP routes. Sets `res.locals.agent` or answers 401.
import type { NextFunction, Request, Response } from 'express';
import { sendError } from '../http/errors';
import type { Services } from '../services';
import type { Agent } from './service';

/** The agent a request is authenticated as: `Authorization: Bearer <API token>`. */
export async function agentFromRequest(services: Services, req: Request): Promise<Agent | null> {
  const header = req.get('authorization');
  const match = header ? /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(header) : null;
  return match ? services.agents.byToken(match[1]!) : null;
}

export function requireAgent(services: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const agent = await agentFromRequest(services, req);
      if (!agent) return sendError(res, 'unauthorized', 'sign in as an agent first');
      res.locals.agent = agent;
      next();
    } catch (error) {
      next(error);
    }
  };
}
