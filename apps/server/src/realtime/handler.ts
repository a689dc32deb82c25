// The one shape every socket handler has: parse the payload with its schema, call a service,
// ack. A missing ack, a bad payload or a thrown error never takes the relay down.
import type { ErrorCode, Result } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { describeIssues } from '@parley/protocol/schemas';
import type { z } from 'zod';

type AckFn<T extends object> = (result: Result<T>) => void;

export function handler<S extends z.ZodType, T extends object>(
  schema: S,
  run: (payload: z.output<S>) => Promise<Result<T>>,
  precheck?: (payload: unknown) => { code: ErrorCode; message: string } | null,
) {
  return async (payload: unknown, maybeAck?: unknown): Promise<void> => {
    const ack: AckFn<T> = typeof maybeAck === 'function' ? (maybeAck as AckFn<T>) : () => {};
    try {
      const refused = precheck?.(payload);
      if (refused) return ack(failure(refused.code, refused.message));
      const parsed = schema.safeParse(payload);
      if (!parsed.success) return ack(failure('bad_request', describeIssues(parsed.error)));
      ack(await run(parsed.data));
    } catch (error) {
      console.error('parley: handler failed', error);
      ack(failure('unavailable', 'the relay could not complete this request, try again'));
    }
  };
}

/** Same parse-then-run shape for events that carry no ack (typing). */
export function fireAndForget<S extends z.ZodType>(
  schema: S,
  run: (payload: z.output<S>) => Promise<void> | void,
) {
  return async (payload: unknown): Promise<void> => {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return;
    try {
      await run(parsed.data);
    } catch (error) {
      console.error('parley: event failed', error);
    }
  };
}
