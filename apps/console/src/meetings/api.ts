// The meetings API as the console calls it: the same session cookie and ApiError as the rest.
import type {
  AgentSchedule,
  Meeting,
  MeetingLinks,
  OfferMeetingPayload,
  RecordOutcomePayload,
  ScheduleInput,
  SiteMeetingSettings,
  SiteMeetingSettingsInput,
  Slot,
} from '@parley/protocol';
import { call } from '../api';

export interface AgendaDraft {
  agenda: string;
  lastQuestion: string;
  topics: string[];
}

const q = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  return search.toString();
};

export const meetingsApi = {
  schedule: () => call<{ schedule: AgentSchedule | null }>('GET', '/api/meetings/schedule'),
  saveSchedule: (input: ScheduleInput) =>
    call<{ schedule: AgentSchedule }>('PUT', '/api/meetings/schedule', input),
  settings: (siteId: string) =>
    call<{ settings: SiteMeetingSettings }>('GET', `/api/meetings/settings/${encodeURIComponent(siteId)}`),
  saveSettings: (siteId: string, input: SiteMeetingSettingsInput) =>
    call<{ settings: SiteMeetingSettings }>(
      'PUT',
      `/api/meetings/settings/${encodeURIComponent(siteId)}`,
      input,
    ),
  agenda: (conversationId: string) =>
    call<AgendaDraft>('GET', `/api/meetings/agenda?${q({ conversationId })}`),
  offer: (input: OfferMeetingPayload) =>
    call<{ meeting: Meeting; links: MeetingLinks }>('POST', '/api/meetings/offers', input),
  upcoming: (query: { range: 'day' | 'week'; from: string; timeZone: string; agentId?: string }) =>
    call<{ meetings: Meeting[] }>('GET', `/api/meetings/upcoming?${q(query)}`),
  slots: (id: string, timeZone: string) =>
    call<{ meeting: Meeting; slots: Slot[] }>(
      'GET',
      `/api/meetings/${encodeURIComponent(id)}/slots?${q({ timeZone })}`,
    ),
  reschedule: (id: string, start: string, timeZone: string) =>
    call<{ meeting: Meeting }>('POST', `/api/meetings/${encodeURIComponent(id)}/reschedule`, {
      start,
      timeZone,
    }),
  cancel: (id: string, reason: string) =>
    call<{ meeting: Meeting }>(
      'POST',
      `/api/meetings/${encodeURIComponent(id)}/cancel`,
      reason ? { reason } : {},
    ),
  outcome: (id: string, input: RecordOutcomePayload) =>
    call<{ meeting: Meeting }>('POST', `/api/meetings/${encodeURIComponent(id)}/outcome`, input),
};

/** The zone the console's browser is in: the agent's, for showing times. */
export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** "Tue 24 Nov, 15:00–15:30" in `timeZone`. */
export function meetingTime(start: string, end: string, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone,
  }).format(new Date(start));
  const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone });
  return `${day}, ${clock.format(new Date(start))}–${clock.format(new Date(end))}`;
}
