// Background work of meetings that runs beside a relay: meeting emails still owed (a send that
// failed, or a relay that stopped right after a change), due reminders, and settling claims on
// agents' time that a booking left half-done; once at start, new link keys for meetings whose
// tokens were on the timeline. Every relay node may run it: each email is claimed in MongoDB
// before it is sent, so nodes and restarts do not send one twice.
import type { Config } from '../config';
import type { Services } from '../services';
import { periodic, type Worker } from '../shared/worker';
import type { MeetingService } from './service';

/** The meetings job; a pass answers how many reminders came due. */
export function meetingWorker(meetings: MeetingService, everyMs: number): Worker<number> {
  return periodic({
    name: 'meetings',
    everyMs,
    async pass() {
      const sent = await meetings.sendDueReminders();
      await meetings.sendDueMails();
      await meetings.settleClaims();
      return sent;
    },
  });
}

export async function startMeetingWorkers(services: Services, config: Config): Promise<Worker<number>> {
  const retired = await services.meetings.retireTimelineTokens();
  if (retired > 0)
    console.log(`parley: ${retired} meetings got new link keys (their old links were on the timeline)`);
  return meetingWorker(services.meetings, config.meetingTickMs).start();
}
