// The one shape of every periodic job on a relay (snoozes, email, meetings, and the SLA and
// retention jobs to come): start, tick, stop. Work is claimed in the database by the pass itself,
// so any number of relays may run the same worker; this only makes passes on one relay orderly.

export interface Worker<T = unknown> {
  /** Runs a pass now and then every `everyMs`. */
  start(): Worker<T>;
  /**
   * Runs a pass now, or, when one is already running, one more right after it (so work that
   * arrived mid-pass is not left for the next interval). Resolves with that pass's answer, or
   * undefined when it failed or the worker is stopped.
   */
  tick(): Promise<T | undefined>;
  /** Stops the timer and waits for the pass that is running. */
  stop(): Promise<void>;
}

export interface WorkerOptions<T> {
  /** Shown in the log when a pass fails. */
  name: string;
  everyMs: number;
  /** One pass. A failure is logged and the next pass runs as usual. */
  pass(): Promise<T>;
}

/**
 * A periodic job with at most one pass running at a time on this relay.
 * @example const snoozes = periodic({ name: 'snoozes', everyMs: 15_000, pass: () => actions.wakeSnoozed() }).start();
 */
export function periodic<T>({ name, everyMs, pass }: WorkerOptions<T>): Worker<T> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T | undefined> | undefined;
  let again: Promise<T | undefined> | undefined;
  let stopped = false;

  const run = (): Promise<T | undefined> => {
    running = (async () => {
      try {
        return await pass();
      } catch (error) {
        console.error(`parley: ${name} pass failed`, error);
        return undefined;
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const worker: Worker<T> = {
    start() {
      stopped = false;
      timer = setInterval(() => void worker.tick(), everyMs);
      timer.unref();
      void worker.tick();
      return worker;
    },
    tick() {
      if (stopped) return Promise.resolve(undefined);
      if (!running) return run();
      // One follow-up pass is enough for any number of ticks that arrive during this one.
      again ??= running.then(() => {
        again = undefined;
        return stopped ? undefined : run();
      });
      return again;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await again;
      await running;
    },
  };
  return worker;
}
