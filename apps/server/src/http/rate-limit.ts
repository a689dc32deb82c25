// Rate limits for HTTP routes, on the same bounded token buckets as the socket events: a request
// past its key's budget is answered 429 `rate_limited` with a Retry-After, before any work.
import type { Request, RequestHandler, Response } from 'express';
import { RateBuckets } from '../shared/rate-buckets';
import { sendError } from './errors';

export interface RouteLimit {
  perSecond: number;
  burst: number;
  /** Whose budget a request spends: its client address, its agent, its site… */
  key(req: Request, res: Response): string;
}

/**
 * A middleware that lets each key `perSecond` requests a second, `burst` at once.
 * @example router.get('/api/export', signedIn, limited({ perSecond: 1, burst: 5, key: byAgent }), …)
 */
export function limited({ perSecond, burst, key }: RouteLimit): RequestHandler {
  const buckets = new RateBuckets(perSecond, burst);
  const retryAfter = String(Math.max(1, Math.ceil(1 / perSecond)));
  return (req, res, next) => {
    if (buckets.take(key(req, res))) return next();
    res.set('Retry-After', retryAfter);
    sendError(res, 'rate_limited', 'too many requests, try again in a moment');
  };
}

/** The client address Express settled on (the `trust proxy` setting decides which hop). */
export const byAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';
