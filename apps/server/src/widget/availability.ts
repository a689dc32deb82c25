// Whether anyone can answer a site's visitors now: inside its business hours (in the site's
// time zone) and with an agent who can take a chat (the agents domain's one definition, which
// routing uses too). The widget acts on `available`.
import type { Availability, SiteSettings } from '@parley/protocol';
import type { AgentService } from '../agents/service';
import type { Site } from '../sites/service';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** True when `now` falls in one of the weekly intervals, read on the wall clock of `hours.timeZone`. */
export function withinBusinessHours(hours: SiteSettings['businessHours'], now: Date): boolean {
  if (!hours.enabled) return true;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = WEEKDAYS.indexOf(part('weekday'));
  const clock = `${part('hour')}:${part('minute')}`;
  return hours.intervals.some(
    (interval) => interval.day === day && interval.from <= clock && clock < interval.to,
  );
}

/** What the widget is told: business hours and an agent who can take a chat, both needed. */
export async function availability(
  agents: Pick<AgentService, 'canAnswer'>,
  site: Site,
  now = new Date(),
): Promise<Availability> {
  const withinHours = withinBusinessHours(site.widget.businessHours, now);
  const online = await agents.canAnswer(site.id);
  return { available: withinHours && online, withinHours, agentsOnline: online };
}
