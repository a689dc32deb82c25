// Tells a site's visitors, over their sockets, when its availability changes (the widget
// domain works out what it is).
import { availability } from '../widget/availability';
import { type RealtimeContext, siteVisitorsRoom } from './context';

/** How long changes are gathered before a site's visitors are told: a console's tabs, a reconnect. */
const ANNOUNCE_AFTER_MS = 200;
const VISITORS_PREFIX = siteVisitorsRoom('');

/**
 * Tells sites' visitors when their availability changes. `changed(siteIds)` is called when an
 * agent who answers those sites (null: an admin, every site) connects, disconnects, or steps
 * away or back; once the burst is over, each site's availability is worked out again and sent to
 * its visitors. An admin's change is sent to the sites with visitors on this relay; with several
 * relays, the others' visitors of other sites learn it on their next connection.
 */
export function availabilityAnnouncer(ctx: RealtimeContext): {
  changed(siteIds: string[] | null): void;
  close(): void;
} {
  const timers = new Map<string, NodeJS.Timeout>();
  /** A site's announcement in progress; a change meanwhile makes it run once more after. */
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let closed = false;
  const announce = async (siteId: string) => {
    const site = await ctx.services.sites.byId(siteId);
    if (!site || closed) return;
    ctx.visitors
      .to(siteVisitorsRoom(siteId))
      .emit('availability', await availability(ctx.services.agents, site));
  };
  // One at a time per site, so a slow answer about an older change never lands after a newer one.
  const run = (siteId: string) => {
    if (running.has(siteId)) {
      again.add(siteId);
      return;
    }
    const task = announce(siteId)
      .catch((error) => console.error('parley: availability announcement failed', error))
      .finally(() => {
        running.delete(siteId);
        if (again.delete(siteId) && !closed) run(siteId);
      });
    running.set(siteId, task);
  };
  const localSites = () =>
    [...ctx.visitors.adapter.rooms.keys()]
      .filter((room) => room.startsWith(VISITORS_PREFIX))
      .map((room) => room.slice(VISITORS_PREFIX.length));
  return {
    changed(siteIds) {
      if (closed) return;
      for (const siteId of siteIds ?? localSites()) {
        clearTimeout(timers.get(siteId));
        const timer = setTimeout(() => {
          timers.delete(siteId);
          run(siteId);
        }, ANNOUNCE_AFTER_MS);
        timer.unref();
        timers.set(siteId, timer);
      }
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
