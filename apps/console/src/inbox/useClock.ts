// The inbox's clock for waits and local times: coarse on purpose, one re-render every 10 s.
import { useEffect, useState } from 'preact/hooks';

export function useClock(everyMs = 10_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
