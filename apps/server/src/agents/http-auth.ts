// Authenticates agents on HTTP routes. Sets `res.locals.agent` or answers 401.
import type { NextFunction, Request, Response } from 'express';
import { sendError } from '../http/errors';
import type { Services } from '../services';
import { sessionFromCookieHeader } from './cookie';
import type { Agent } from './service';

/**
 * The agent a request is authenticated as: `Authorization: Bearer <API token>`, or the
 * console's session cookie.
 */
async function agentFromRequest(services: Services, req: Request): Promise<Agent | null> {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(header);
    return match ? services.agents.byToken(match[1]!) : null;
  }
  const session = sessionFromCookieHeader(req.get('cookie'));
  return session ? services.agents.bySession(session) : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** No Origin (a script, not a browser page) or the relay's own: the console. */
function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (!origin) return true;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

/**
 * Refuses a change a page of another origin asked for. SameSite=Strict keeps other sites' pages
 * from sending the cookie, but a page of the same site on another host or port still sends it.
 */
export function requireSameOrigin(req: Request, res: Response, next: NextFunction): void {
  if (sameOrigin(req)) next();
  else sendError(res, 'origin_not_allowed', 'changes come from the Parley console only');
}

export function requireAgent(services: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const agent = await agentFromRequest(services, req);
      if (!agent) return sendError(res, 'unauthorized', 'sign in as an agent first');
      // SameSite=Strict keeps the cookie off other sites' requests; a cross-origin change is
      // refused as well, in case a browser ignores SameSite.
      if (!req.get('authorization') && !SAFE_METHODS.has(req.method) && !sameOrigin(req)) {
        return sendError(res, 'origin_not_allowed', 'changes come from the Parley console only');
      }
      res.locals.agent = agent;
      next();
    } catch (error) {
      next(error);
    }
  };
}
