// Whether anyone can answer a site's visitors now: inside its business hours (in the site's
// time zone) and with an agent connected and not away. The widget acts on `available`.
import type { Availability, SiteSettings } from '@parley/protocol';
import { ADMINS, type RealtimeContext, siteRoom } from '../realtime/context';
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

/**
 * Whether an agent who may answer this site is connected and has not set themselves away.
 * Signing out closes an agent's sockets, so a connected agent is one at the console.
 */
export async function agentsOnline(ctx: RealtimeContext, siteId: string): Promise<boolean> {
  const sockets = await ctx.agents.in([siteRoom(siteId), ADMINS]).fetchSockets();
  if (sockets.length === 0) return false;
  const away = await ctx.services.agents.awayAmong([...new Set(sockets.map((s) => s.data.agent.id))]);
  return sockets.some((s) => !away.has(s.data.agent.id));
}

export async function availability(
  ctx: RealtimeContext,
  site: Site,
  now = new Date(),
): Promise<Availability> {
  const withinHours = withinBusinessHours(site.widget.businessHours, now);
  const online = await agentsOnline(ctx, site.id);
  return { available: withinHours && online, withinHours, agentsOnline: online };
}
