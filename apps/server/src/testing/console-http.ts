// A signed-in console for tests: fetch with a cookie jar of one, like the browser keeps.
import { sessionFromCookieHeader } from '../agents/cookie';

export interface ConsoleResponse<T = Record<string, unknown>> {
  status: number;
  body: T & { ok: boolean; code?: string; message?: string };
  headers: Headers;
  text: string;
}

export class ConsoleHttp {
  cookie: string | null = null;

  constructor(readonly url: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ConsoleResponse<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      this.cookie = sessionFromCookieHeader(pair) ? pair : null;
    }
    const text = await response.text();
    let parsed: unknown = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = {};
    }
    return {
      status: response.status,
      body: parsed as ConsoleResponse<T>['body'],
      headers: response.headers,
      text,
    };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }

  async login(email: string, password: string): Promise<ConsoleResponse> {
    return this.post('/api/auth/login', { email, password });
  }
}
