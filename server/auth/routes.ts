/** /api/auth/* and /api/tokens: register, log in and out, who am I, personal API tokens. */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { LoginBody, RegisterBody, TokenBody, type User } from '../../contract/auth.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireUser, SESSION_COOKIE } from './authenticate.ts';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from './secrets.ts';
import {
  deleteSession,
  findUserByEmail,
  insertApiToken,
  insertSession,
  insertUser,
  listApiTokens,
  recentFailedLogins,
  recordLoginAttempt,
  revokeApiToken,
  type UserRow,
} from './store.ts';


export function publicUser(user: UserRow): User {
  return { id: user.id, email: user.email, displayName: user.display_name, isAdmin: user.is_admin };
}

async function startSession(deps: AppDeps, res: Response, user: UserRow): Promise<string> {
  const token = randomToken();
  const csrf = randomToken(24);
  await insertSession(deps.db, sha256Hex(token), user.id, csrf, deps.config.sessionTtlHours);
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: false,
    path: '/',
    maxAge: deps.config.sessionTtlHours * 3600 * 1000,
  });
  return csrf;
}

export function authRouter(deps: AppDeps): Router {
  const router = Router();

  router.post('/api/auth/register', async (req: Request, res: Response) => {
    const body = RegisterBody.parse(req.body);
    const user = await insertUser(deps.db, body.email, body.displayName, await hashPassword(body.password));
    if (!user) throw new AppError('CONFLICT', `an account for ${body.email} exists already; log in instead`);
    const csrfToken = await startSession(deps, res, user);
    res.status(201).json({ user: publicUser(user), csrfToken });
  });

  router.post('/api/auth/login', async (req: Request, res: Response) => {
    const body = LoginBody.parse(req.body);
    const key = `${body.email}|${req.ip}`;
    if ((await recentFailedLogins(deps.db, key)) >= deps.config.loginAttemptsPerMinute) {
      throw new AppError('RATE_LIMITED', 'too many failed log-ins for this account from your address; wait a minute');
    }
    const user = await findUserByEmail(deps.db, body.email);
    const ok = user !== undefined && (await verifyPassword(user.password_hash, body.password));
    await recordLoginAttempt(deps.db, key, ok);
    if (!ok || !user) throw new AppError('INVALID_CREDENTIALS', 'e-mail or password is wrong');
    const csrfToken = await startSession(deps, res, user);
    res.json({ user: publicUser(user), csrfToken });
  });

  router.post('/api/auth/logout', async (req: Request, res: Response) => {
    if (req.auth?.sessionTokenHash) await deleteSession(deps.db, req.auth.sessionTokenHash);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/api/auth/me', (req: Request, res: Response) => {
    const user = requireUser(req);
    res.json({ user: publicUser(user), csrfToken: req.auth?.csrfToken ?? null });
  });

  router.post('/api/tokens', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const { name } = TokenBody.parse(req.body);
    const token = `carina_${randomToken()}`;
    const row = await insertApiToken(deps.db, user.id, name, sha256Hex(token), token.slice(0, 12));
    res.status(201).json({ id: row.id, name: row.name, prefix: row.prefix, createdAt: row.created_at, token });
  });

  router.get('/api/tokens', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const rows = await listApiTokens(deps.db, user.id);
    res.json({
      tokens: rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at })),
    });
  });

  router.delete('/api/tokens/:id', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const id = z.coerce.number().int().positive().parse(req.params.id);
    if (!(await revokeApiToken(deps.db, user.id, id))) throw new AppError('NOT_FOUND', `no API token ${id} of yours`);
    res.status(204).end();
  });

  return router;
}
