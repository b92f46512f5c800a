/** Accounts, sessions and personal API tokens. */
import { ApiError, del, get, post, setCsrfToken } from './http.ts';
import type { NewTokenReply, SessionReply, TokensReply, User } from './types.ts';

/** The signed-in user, or null (401). */
export async function currentUser(): Promise<User | null> {
  try {
    const reply = await get<SessionReply>('/api/auth/me');
    setCsrfToken(reply.csrfToken);
    return reply.user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function register(email: string, password: string, displayName: string): Promise<User> {
  const reply = await post<SessionReply>('/api/auth/register', { email, password, displayName });
  setCsrfToken(reply.csrfToken);
  return reply.user;
}

export async function login(email: string, password: string): Promise<User> {
  const reply = await post<SessionReply>('/api/auth/login', { email, password });
  setCsrfToken(reply.csrfToken);
  return reply.user;
}

export async function logout(): Promise<void> {
  await post<void>('/api/auth/logout');
  setCsrfToken(null);
}

export const listTokens = () => get<TokensReply>('/api/tokens');
export const createToken = (name: string) => post<NewTokenReply>('/api/tokens', { name });
export const revokeToken = (id: number) => del<void>(`/api/tokens/${id}`);
