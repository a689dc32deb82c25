// Stable error codes that cross the wire as `{ ok: false, code, message }` and as HTTP errors.

export const ERROR_CODES = [
  'bad_request',
  'too_large',
  'rate_limited',
  'unauthorized',
  'forbidden',
  'origin_not_allowed',
  'not_found',
  'conflict',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status that goes with each code, for routes that answer with the same codes. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  too_large: 413,
  rate_limited: 429,
  unauthorized: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/** Codes a client should retry after a pause; any other failure is final for that payload. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'rate_limited',
  'unavailable',
  'internal',
]);

export interface Failure {
  ok: false;
  code: ErrorCode;
  message: string;
}

export type Result<T extends object = object> = ({ ok: true } & T) | Failure;

/**
 * Builds the failure shape every ack and HTTP error uses.
 * @example ack(failure('too_large', 'Messages are limited to 4000 characters'))
 */
export function failure(code: ErrorCode, message: string): Failure {
  return { ok: false, code, message };
}
