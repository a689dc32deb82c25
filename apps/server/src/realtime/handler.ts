// The one shape every socket handler has: take the event's rate limit, parse the payload with its
// schema, call a service, ack. The limit comes first and cannot be left out, so no event is
// handled (not even parsed) past its budget. A missing ack, a bad payload or a thrown error never
// takes the relay down.
import type { Result } from '@parley/protocol';
import { failure } from '@parley/protocol';
import { describeIssues } from '@parley/protocol/schemas';
import type { z } from 'zod';
import type { Limited } from './context';

type AckFn<T extends object> = (result: Result<T>) => void;

export function handler<S extends z.ZodType, T extends object>(
  schema: S,
  limit: (payload: unknown) => Limited,
  run: (payload: z.output<S>) => Promise<Result<T>>,
) {
  return async (payload: unknown, maybeAck?: unknown): Promise<void> => {
    const ack: AckFn<T> = typeof maybeAck === 'function' ? (maybeAck as AckFn<T>) : () => {};
    try {
      const limited = limit(payload);
      // Awaited only when a shared (Redis) budget was asked: a local refusal is answered in order.
      const refused = limited instanceof Promise ? await limited : limited;
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

/** Same limit-parse-run shape for events that carry no ack (typing): past the limit they are dropped. */
export function fireAndForget<S extends z.ZodType>(
  schema: S,
  limit: () => Limited,
  run: (payload: z.output<S>) => Promise<void> | void,
) {
  return async (payload: unknown): Promise<void> => {
    const limited = limit();
    if (limited instanceof Promise ? await limited : limited) return;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return;
    try {
      await run(parsed.data);
    } catch (error) {
      console.error('parley: event failed', error);
    }
  };
}
