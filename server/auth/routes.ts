/**
 * /api/auth/* and /api/tokens: register (unverified, a link is mailed), verify, log in and out, forgot and reset
 * the password, who am I, personal API tokens. Register, forgot-password and resend answer the same whether or not
 * an account exists (the address's owner gets the mail), and log-in hashes the same for an unknown address, so no
 * answer and no timing tells who has an account. Every attempt is throttled before any hash (throttle.ts).
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { EmailBody, LoginBody, RegisterBody, ResetPasswordBody, TokenBody, VerifyBody, type User } from '../../contract/auth.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../app-deps.ts';
import { sendAlreadyRegisteredMail, sendResetMail, sendVerificationMail } from './account-mail.ts';
import { requireUser, SESSION_COOKIE } from './authenticate.ts';
import { promoteConfiguredOrganiser } from './organiser-bootstrap.ts';
import { dummyPasswordCheck, hashPassword, randomToken, sha256Hex, verifyPassword } from './secrets.ts';
import {
  consumeAccountToken,
  deleteSession,
  findUserByEmail,
  insertApiToken,
  insertSession,
  insertUser,
  listApiTokens,
  markVerified,
  revokeApiToken,
  revokeCredentials,
  setPassword,
  type UserRow,
} from './store.ts';
import { accountKey, addressKey, consumeAll, giveBack, mailAllowed, throttlesOf } from './throttle.ts';

export function publicUser(user: UserRow): User {
  return { id: user.id, email: user.email, displayName: user.display_name, isAdmin: user.is_admin, emailVerified: user.email_verified_at !== null };
}

/** The platform is reached over HTTPS: PUBLIC_URL says so, or the request came over TLS (or a trusted proxy says so). */
function overHttps(deps: AppDeps, req: Request): boolean {
  return deps.config.publicUrl.startsWith('https:') || req.secure;
}

export async function startSession(deps: AppDeps, req: Request, res: Response, user: UserRow): Promise<string> {
  const token = randomToken();
  const csrf = randomToken(24);
  await insertSession(deps.db, sha256Hex(token), user.id, csrf, deps.config.sessionTtlHours);
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: overHttps(deps, req),
    path: '/',
    maxAge: deps.config.sessionTtlHours * 3600 * 1000,
  });
  return csrf;
}

const CHECK_YOUR_MAIL = 'if the address can be used, a message is on its way to it: open its link to continue (check the spam folder too)';

export function authRouter(deps: AppDeps): Router {
  const router = Router();
  const throttles = throttlesOf(deps);

  router.post('/api/auth/register', async (req: Request, res: Response) => {
    const body = RegisterBody.parse(req.body);
    await consumeAll(res, 'registrations from your address', [throttles.register, addressKey(req)]);
    // both paths hash once and send one mail, so neither the answer nor its timing tells whether the address is taken
    const passwordHash = await hashPassword(body.password);
    const created = await insertUser(deps.db, body.email, body.displayName, passwordHash);
    if (created) await sendVerificationMail(deps, created);
    else {
      const owner = await findUserByEmail(deps.db, body.email);
      if (owner) await sendAlreadyRegisteredMail(deps, owner);
    }
    res.status(202).json({ message: CHECK_YOUR_MAIL });
  });

  router.post('/api/auth/verify', async (req: Request, res: Response) => {
    const { token } = VerifyBody.parse(req.body);
    await consumeAll(res, 'link attempts from your address', [throttles.mailRequest, addressKey(req)]);
    const user = await consumeAccountToken(deps.db, 'verify', sha256Hex(token));
    if (!user) throw new AppError('LINK_INVALID', 'this verification link is unknown, used or expired; log in and ask for a new one');
    await giveBack([throttles.mailRequest, addressKey(req)]);
    let verified = await markVerified(deps.db, user.id);
    verified = (await promoteConfiguredOrganiser(deps, verified)) ?? verified;
    const csrfToken = await startSession(deps, req, res, verified);
    res.json({ user: publicUser(verified), csrfToken });
  });

  router.post('/api/auth/verify/resend', async (req: Request, res: Response) => {
    const body = EmailBody.parse(req.body);
    const email = body.email ?? req.auth?.user.email;
    if (!email) throw new AppError('BAD_REQUEST', 'email: the address to send the link to');
    await consumeAll(res, 'mail requests from your address', [throttles.mailRequest, addressKey(req)]);
    const user = await findUserByEmail(deps.db, email);
    if (user && user.email_verified_at === null) await sendVerificationMail(deps, user);
    else await mailAllowed(deps, email); // about the same database work either way
    res.status(202).json({ message: CHECK_YOUR_MAIL });
  });

  router.post('/api/auth/password/forgot', async (req: Request, res: Response) => {
    const { email } = EmailBody.parse(req.body);
    if (!email) throw new AppError('BAD_REQUEST', 'email: the address of the account');
    await consumeAll(res, 'mail requests from your address', [throttles.mailRequest, addressKey(req)]);
    const user = await findUserByEmail(deps.db, email);
    if (user) await sendResetMail(deps, user);
    else await mailAllowed(deps, email); // about the same database work either way
    res.status(202).json({ message: CHECK_YOUR_MAIL });
  });

  router.post('/api/auth/password/reset', async (req: Request, res: Response) => {
    const body = ResetPasswordBody.parse(req.body);
    await consumeAll(res, 'link attempts from your address', [throttles.mailRequest, addressKey(req)]);
    const passwordHash = await hashPassword(body.password);
    const user = await consumeAccountToken(deps.db, 'reset', sha256Hex(body.token));
    if (!user) throw new AppError('LINK_INVALID', 'this reset link is unknown, used or expired; ask for a new one');
    await giveBack([throttles.mailRequest, addressKey(req)]);
    await setPassword(deps.db, user.id, passwordHash);
    await revokeCredentials(deps.db, user.id);
    // the link reached the address: it is verified now
    const verified = await markVerified(deps.db, user.id);
    const csrfToken = await startSession(deps, req, res, verified);
    res.json({ user: publicUser(verified), csrfToken });
  });

  router.post('/api/auth/login', async (req: Request, res: Response) => {
    const body = LoginBody.parse(req.body);
    const account = accountKey(body.email);
    const address = addressKey(req);
    const pair = `${account}:${address}`;
    const known = `${account}:${address}`;
    const entries: Array<[typeof throttles.loginPair, string]> = [
      [throttles.loginPair, pair],
      [throttles.loginAddress, address],
    ];
    // an address this account logged in from before is not held back by attempts made from elsewhere
    if (!(await throttles.knownAddress.get(known))) entries.push([throttles.loginAccount, account]);
    await consumeAll(res, 'log-in attempts', ...entries);
    const user = await findUserByEmail(deps.db, body.email);
    const ok = user ? await verifyPassword(user.password_hash, body.password) : await dummyPasswordCheck(body.password);
    if (!ok || !user) throw new AppError('INVALID_CREDENTIALS', 'e-mail or password is wrong');
    await giveBack(...entries);
    await throttles.knownAddress.set(known, 1, 30 * 86400);
    const csrfToken = await startSession(deps, req, res, user);
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
    if (req.auth?.via !== 'session') throw new AppError('FORBIDDEN', 'API tokens are made from a browser session (log in), not with another API token');
    const { name } = TokenBody.parse(req.body);
    const token = `carina_${randomToken()}`;
    const row = await insertApiToken(deps.db, user.id, name, sha256Hex(token), token.slice(0, 12), deps.config.apiTokenTtlDays);
    res.status(201).json({ id: row.id, name: row.name, prefix: row.prefix, createdAt: row.created_at, expiresAt: row.expires_at, token });
  });

  router.get('/api/tokens', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const rows = await listApiTokens(deps.db, user.id);
    res.json({
      tokens: rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at, expiresAt: r.expires_at })),
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
