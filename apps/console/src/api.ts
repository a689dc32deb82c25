// The relay's HTTP API as the console calls it: same origin, the session cookie rides along,
// and every failure arrives as an ApiError with the protocol's code and a readable message.
import type {
  AcceptInvitePayload,
  AgentProfile,
  AgentUpdate,
  CannedPayload,
  CannedResponse,
  ConversationAction,
  ConversationDetails,
  InboxCounts,
  InboxItem,
  InboxQuery,
  InvitePayload,
  LoginPayload,
  Presence,
  SignedInAgent,
  SiteAdminUpdate,
  SiteAdminView,
  SiteCreatePayload,
  Team,
} from '@parley/protocol';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * One JSON request to the relay with the session cookie; a failure throws ApiError.
 * @example const { items } = await call<{ items: InboxItem[] }>('GET', '/api/inbox?view=mine')
 */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      // Inbox, timelines and mail change all the time: a cached answer would hide what is new.
      cache: 'no-store',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError('unavailable', 'Parley cannot be reached: check your connection', 0);
  }
  const data = (await response.json().catch(() => ({}))) as { ok?: boolean; code?: string; message?: string };
  if (!response.ok || data.ok === false) {
    throw new ApiError(
      data.code ?? 'internal',
      data.message ?? `request failed (${response.status})`,
      response.status,
    );
  }
  return data as T;
}

/** What to tell the user when a call failed: the relay's message, or `fallback` for anything else. */
export function problem(error: unknown, fallback = 'Something went wrong; try again'): string {
  return error instanceof ApiError ? error.message : fallback;
}

/** Whether an agent can take work on a site: active, past the invite, and on that site (or all). */
export function canWorkOn(agent: AgentProfile, siteId: string): boolean {
  return agent.active && !agent.invited && (agent.siteIds === null || agent.siteIds.includes(siteId));
}

function queryString(query: Partial<InboxQuery> & { format?: string }): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  return params.toString();
}

export const api = {
  me: () => call<SignedInAgent>('GET', '/api/auth/me'),
  login: (email: string, password: string) =>
    call<{ agent: AgentProfile }>('POST', '/api/auth/login', { email, password } satisfies LoginPayload),
  acceptInvite: (token: string, password: string) =>
    call<{ agent: AgentProfile }>('POST', '/api/auth/invite', {
      token,
      password,
    } satisfies AcceptInvitePayload),
  logout: () => call<object>('POST', '/api/auth/logout'),
  setPresence: (presence: Presence) => call<{ agent: AgentProfile }>('PUT', '/api/me/presence', { presence }),

  inbox: (query: InboxQuery) => call<{ items: InboxItem[] }>('GET', `/api/inbox?${queryString(query)}`),
  counts: () => call<{ counts: InboxCounts }>('GET', '/api/inbox/counts'),
  conversation: (id: string) => call<ConversationDetails>('GET', `/api/conversations/${id}`),
  act: (id: string, action: ConversationAction) =>
    call<{ conversation: ConversationDetails['conversation'] }>(
      'POST',
      `/api/conversations/${id}/actions`,
      action,
    ),
  exportUrl: (id: string, format: 'json' | 'csv') => `/api/conversations/${id}/export?format=${format}`,
  exportSetUrl: (query: InboxQuery, format: 'json' | 'csv') =>
    `/api/export?${queryString({ ...query, format })}`,

  agents: () => call<{ agents: AgentProfile[] }>('GET', '/api/agents'),
  invite: (input: InvitePayload) =>
    call<{ agent: AgentProfile; inviteUrl: string }>('POST', '/api/agents', input),
  updateAgent: (id: string, changes: AgentUpdate) =>
    call<{ agent: AgentProfile }>('PATCH', `/api/agents/${id}`, changes),
  teams: () => call<{ teams: Team[] }>('GET', '/api/teams'),
  createTeam: (name: string) => call<{ team: Team }>('POST', '/api/teams', { name }),
  deleteTeam: (id: string) => call<object>('DELETE', `/api/teams/${id}`),

  canned: () => call<{ canned: CannedResponse[] }>('GET', '/api/canned'),
  createCanned: (input: CannedPayload) => call<{ canned: CannedResponse }>('POST', '/api/canned', input),
  deleteCanned: (id: string) => call<object>('DELETE', `/api/canned/${id}`),

  sites: () => call<{ sites: SiteAdminView[] }>('GET', '/api/sites'),
  createSite: (input: SiteCreatePayload) =>
    call<{ site: SiteAdminView; identitySecret: string }>('POST', '/api/sites', input),
  updateSite: (id: string, changes: SiteAdminUpdate) =>
    call<{ site: SiteAdminView }>('PATCH', `/api/sites/${id}`, changes),
  rotateSecret: (id: string) => call<{ identitySecret: string }>('POST', `/api/sites/${id}/identity-secret`),
};
