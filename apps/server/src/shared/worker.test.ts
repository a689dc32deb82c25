import { afterEach, describe, expect, it, vi } from 'vitest';
import { periodic } from './worker';

/** A pass that waits until released, so a test decides when it ends. */
function gatedPass() {
  let runs = 0;
  let release: () => void = () => {};
  const pass = vi.fn(async () => {
    runs++;
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return runs;
  });
  return { pass, release: () => release() };
}

afterEach(() => vi.restoreAllMocks());

describe('periodic', () => {
  it('runs one pass at a time and folds ticks that arrive mid-pass into one more pass', async () => {
    const { pass, release } = gatedPass();
    const worker = periodic({ name: 'test', everyMs: 60_000, pass });
    const first = worker.tick();
    const second = worker.tick();
    const third = worker.tick();
    expect(pass).toHaveBeenCalledTimes(1);
    release();
    expect(await first).toBe(1);
    await vi.waitFor(() => expect(pass).toHaveBeenCalledTimes(2));
    release();
    expect(await second).toBe(2);
    expect(await third).toBe(2);
    expect(pass).toHaveBeenCalledTimes(2);
  });

  it('logs a failed pass and runs the next one as usual', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    let calls = 0;
    const worker = periodic({
      name: 'flaky',
      everyMs: 60_000,
      pass: async () => {
        calls++;
        if (calls === 1) throw new Error('store down');
        return calls;
      },
    });
    expect(await worker.tick()).toBeUndefined();
    expect(log).toHaveBeenCalledWith('parley: flaky pass failed', expect.any(Error));
    expect(await worker.tick()).toBe(2);
  });

  it('stop waits for the pass that is running', async () => {
    const { pass, release } = gatedPass();
    const worker = periodic({ name: 'test', everyMs: 60_000, pass });
    void worker.tick();
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('runs on start and every interval, and stop ends the timer', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const worker = periodic({ name: 'timed', everyMs: 1_000, pass: async () => ++calls }).start();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(3_000);
      expect(calls).toBe(4);
      await worker.stop();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(calls).toBe(4);
      expect(await worker.tick()).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});
