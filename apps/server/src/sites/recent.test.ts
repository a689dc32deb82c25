import { describe, expect, it, vi } from 'vitest';
import { Recent } from './recent';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('Recent', () => {
  it('reads once for the requests that arrive while the read is in flight, and keeps the answer', async () => {
    const recent = new Recent<string>(60_000);
    const read = deferred<string>();
    const load = vi.fn(() => read.promise);
    const answers = Promise.all(Array.from({ length: 500 }, () => recent.get('site', load)));
    read.resolve('settings');
    expect(await answers).toEqual(Array(500).fill('settings'));
    expect(await recent.get('site', load)).toBe('settings');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not keep a failed read: the next request reads again', async () => {
    const recent = new Recent<string>(60_000);
    const failing = vi.fn(() => Promise.reject(new Error('engine down')));
    await expect(Promise.all([recent.get('site', failing), recent.get('site', failing)])).rejects.toThrow(
      'engine down',
    );
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await recent.get('site', async () => 'back')).toBe('back');
  });

  it('reads again once the answer is older than its time to live', async () => {
    const recent = new Recent<number>(50);
    let reads = 0;
    const load = async () => ++reads;
    expect(await recent.get('site', load)).toBe(1);
    expect(await recent.get('site', load)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await recent.get('site', load)).toBe(2);
  });

  it('answers a read in flight when forgotten, but keeps neither it nor anything stale', async () => {
    const recent = new Recent<string>(60_000);
    const read = deferred<string>();
    const before = recent.get('site', () => read.promise);
    recent.delete('site');
    read.resolve('old');
    expect(await before).toBe('old');
    expect(await recent.get('site', async () => 'new')).toBe('new');
    recent.set('site', 'written');
    expect(await recent.get('site', async () => 'read')).toBe('written');
  });

  it('keeps at most `max` keys, so made-up keys cannot grow it without end', async () => {
    const recent = new Recent<string | null>(60_000, 100);
    const load = vi.fn(async () => null);
    for (let i = 0; i < 1_000; i++) await recent.get(`made-up-${i}`, load);
    await recent.get('made-up-999', load);
    expect(load).toHaveBeenCalledTimes(1_000);
    await recent.get('made-up-0', load);
    expect(load).toHaveBeenCalledTimes(1_001);
  });
});
