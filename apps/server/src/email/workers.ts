// Background work of the email channel that runs beside a relay (inbound SMTP, fallbacks).
import type { Config } from '../config';
import type { Services } from '../services';

export async function startEmailWorkers(
  _services: Services,
  _config: Config,
): Promise<{ close(): Promise<void> }> {
  return { close: async () => {} };
}
