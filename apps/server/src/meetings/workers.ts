// Background work of meetings that runs beside a relay (reminders).
import type { Config } from '../config';
import type { Services } from '../services';

export async function startMeetingWorkers(
  _services: Services,
  _config: Config,
): Promise<{ close(): Promise<void> }> {
  return { close: async () => {} };
}
