// The console's session cookie: httpOnly (scripts never see it), SameSite=Strict (other sites'
// pages never send it), Secure when the relay is served over https.
import type { Response } from 'express';

const SESSION_COOKIE = 'parley_session';

/** The session token in a Cookie header, if it is there and well formed. */
export function sessionFromCookieHeader(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === SESSION_COOKIE && value && /^[A-Za-z0-9_-]{20,128}$/.test(value)) return value;
  }
  return null;
}

export function setSessionCookie(
  res: Response,
  session: string,
  options: { secure: boolean; maxAgeMs: number },
) {
  res.cookie(SESSION_COOKIE, session, {
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secure,
    path: '/',
    maxAge: options.maxAgeMs,
  });
}

export function clearSessionCookie(res: Response, options: { secure: boolean }) {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: options.secure, path: '/' });
}
