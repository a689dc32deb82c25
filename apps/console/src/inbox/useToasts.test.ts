import { act, renderHook } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useToasts } from './useToasts';

afterEach(() => vi.useRealTimers());

describe('useToasts', () => {
  it('keeps the four latest, takes an error down after 8 s and the rest after 6 s', () => {
    vi.useFakeTimers();
    const { result } = renderHook(() => useToasts());
    act(() => {
      result.current.toast('error', 'Note not saved');
      for (const n of [1, 2, 3, 4]) result.current.toast('alert', `New conversation ${n}`, `c${n}`);
    });
    expect(result.current.toasts.map((t) => t.text)).toEqual([
      'New conversation 1',
      'New conversation 2',
      'New conversation 3',
      'New conversation 4',
    ]);
    expect(result.current.toasts[0]).toMatchObject({ kind: 'alert', conversationId: 'c1' });

    act(() => {
      vi.advanceTimersByTime(5_000);
      result.current.toast('error', 'That did not work, try again');
    });
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(result.current.toasts.map((t) => t.text)).toEqual(['That did not work, try again']);
    expect(result.current.toasts[0]).not.toHaveProperty('conversationId');
    act(() => {
      vi.advanceTimersByTime(6_999);
    });
    expect(result.current.toasts).toHaveLength(1);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(result.current.toasts).toEqual([]);
  });
});
