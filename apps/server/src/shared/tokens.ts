// Bearer tokens (visitor, session, API, device) are stored only as this hash, so a copy of the
// database grants nothing.
import { createHash } from 'node:crypto';

/**
 * Hex SHA-256 of a token, the form every token is stored and looked up in.
 * @example hashToken('pv_abc…') // '3f2a…' (64 hex characters)
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
