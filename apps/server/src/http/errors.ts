// HTTP errors use the protocol's codes with a fitting status.
import type { ErrorCode } from '@parley/protocol';
import { failure, HTTP_STATUS } from '@parley/protocol';
import type { ErrorRequestHandler, Response } from 'express';

export function sendError(res: Response, code: ErrorCode, message: string): void {
  res.status(HTTP_STATUS[code]).json(failure(code, message));
}

/** Last middleware: malformed JSON and oversized bodies get clear errors; nothing leaks a stack. */
export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  const status = (error as { status?: number }).status;
  if (status === 413) return sendError(res, 'too_large', 'request body too large');
  if (status === 400) return sendError(res, 'bad_request', 'malformed request body');
  console.error('parley: request failed', error);
  sendError(res, 'internal', 'something went wrong on our side');
};
