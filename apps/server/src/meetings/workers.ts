// Background work of meetings that runs beside a relay: meeting emails still owed (a send that
// failed, or a relay that stopped right after a change), due reminders, and settling claims on
// agents' time that a booking left half-done; once at start, new link keys for meetings whose
// tokens were on the timeline. Every relay node may run it: each email is claimed in MongoDB
// before it is sent, so nodes and restarts do not send one twice.
import type { Config } from '../config';
import type { Services } from '../services';
import type { MeetingService } from './service';

export class MeetingWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly meetings: MeetingService,
    private readonly intervalMs: number,
  ) {}

  /** Runs a pass now and then every `intervalMs`. */
  start(): this {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
    return this;
  }

  /** One pass, answering how many reminders came due; a pass already running is joined, not doubled. */
  tick(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    try {
      const sent = await this.meetings.sendDueReminders();
      await this.meetings.sendDueMails();
      await this.meetings.settleClaims();
      return sent;
    } catch (error) {
      console.error('parley: meetings worker pass failed', error);
      return 0;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

export async function startMeetingWorkers(
  services: Services,
  config: Config,
): Promise<{ close(): Promise<void> }> {
  const retired = await services.meetings.retireTimelineTokens();
  if (retired > 0)
    console.log(`parley: ${retired} meetings got new link keys (their old links were on the timeline)`);
  return new MeetingWorker(services.meetings, config.meetingTickMs).start();
}
