/**
 * Who is calling: a browser session cookie (HttpOnly, SameSite=Lax) or a personal API token sent as
 * `Authorization: Bearer <token>`. Cookie-authenticated requests that change state must also send the session's
 * CSRF token in `X-CSRF-Token` (tokens in headers cannot be forged cross-site, so Bearer requests need none).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.ts';
import type { Pool } from '../db/pool.ts';
import { sameSecret, sha256Hex } from './secrets.ts';
import { findSession, userForApiToken, type UserRow } from './store.ts';

export const SESSION_COOKIE = 'carina_session';

export interface AuthContext {
  readonly user: UserRow;
  readonly via: 'session' | 'token';
  readonly sessionTokenHash?: string;
  readonly csrfToken?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      auth?: AuthContext;
    }
  }
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined; // malformed percent-encoding (`carina_session=%`): no session, never a 500
    }
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes that do not act on the session, so a stale cookie must not block them. */
const CSRF_EXEMPT = new Set(['/api/auth/login', '/api/auth/register', '/api/auth/verify', '/api/auth/verify/resend', '/api/auth/password/forgot', '/api/auth/password/reset']);

export function authenticate(db: Pool): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const header = req.headers.authorization;
      if (header) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match) throw new AppError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
        const user = await userForApiToken(db, sha256Hex(match[1]));
        if (!user) throw new AppError('UNAUTHENTICATED', 'the API token is unknown or has been revoked; create a new one');
        req.auth = { user, via: 'token' };
        return next();
      }
      const cookie = readCookie(req, SESSION_COOKIE);
      if (cookie) {
        const tokenHash = sha256Hex(cookie);
        const session = await findSession(db, tokenHash);
        if (session) {
          req.auth = { user: session.user, via: 'session', sessionTokenHash: tokenHash, csrfToken: session.csrfToken };
          if (!SAFE_METHODS.has(req.method) && !CSRF_EXEMPT.has(req.path)) {
            const sent = req.get('x-csrf-token');
            if (!sent || !sameSecret(sent, session.csrfToken)) {
              throw new AppError('CSRF_FAILED', 'missing or wrong X-CSRF-Token header; read it from GET /api/auth/me');
            }
          }
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The signed-in user whose address is verified: joining or creating a team, submitting and organising need it
 * (a 403 EMAIL_NOT_VERIFIED says how to get there).
 */
export function requireVerified(user: UserRow): UserRow {
  if (user.email_verified_at === null) {
    throw new AppError('EMAIL_NOT_VERIFIED', `verify ${user.email} first: open the link mailed to it, or ask for a new one (POST /api/auth/verify/resend)`);
  }
  return user;
}

/** The signed-in user, or a 401. */
export function requireUser(req: Request): UserRow {
  if (!req.auth) throw new AppError('UNAUTHENTICATED', 'log in or send an API token to do this');
  return req.auth.user;
}
