// One HTTP call to a relay the way the meeting pages and the console make them: JSON or a form,
// with an agent's bearer token, answered with the status, the JSON body (if any), text and headers.

export interface RelayAnswer<T> {
  status: number;
  body: T & { ok: boolean; code?: string; message?: string };
  text: string;
  headers: Headers;
}

/**
 * Calls `path` (relative to `baseUrl`, or an absolute URL); POST when there is a body or a form.
 * @example const { status, body } = await relayCall(relay.url, '/api/meetings/offers', { token, body: { … } });
 */
export async function relayCall<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  options: { body?: unknown; token?: string; form?: Record<string, string> } = {},
): Promise<RelayAnswer<T>> {
  const response = await fetch(path.startsWith('http') ? path : `${baseUrl}${path}`, {
    method: options.body || options.form ? 'POST' : 'GET',
    headers: {
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}),
  });
  const text = await response.text();
  const body = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {};
  return { status: response.status, body, text, headers: response.headers };
}
