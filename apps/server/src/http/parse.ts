// Parses a request part with its schema; on failure answers 400 with what is wrong and
// returns null, so a route reads `const input = parse(...); if (!input) return;`.
import { describeIssues } from '@parley/protocol/schemas';
import type { Response } from 'express';
import type { z } from 'zod';
import { sendError } from './errors';

export function parse<S extends z.ZodType>(schema: S, value: unknown, res: Response): z.output<S> | null {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  sendError(res, 'bad_request', describeIssues(parsed.error));
  return null;
}
