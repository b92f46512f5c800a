/** Accounts, sessions and personal API tokens. */
import { ApiError, del, get, post, setCsrfToken } from './http.ts';
import type { InvitationAcceptedReply, InvitationsReply, MailSentReply, NewTokenReply, SessionReply, TokensReply, User } from './types.ts';

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

/** Creates an unverified account; a verification link is mailed (the answer is the same for a taken address). */
export async function register(email: string, password: string, displayName: string): Promise<string> {
  return (await post<MailSentReply>('/api/auth/register', { email, password, displayName })).message;
}

/** Follows a mailed verification link: the address is verified and a session starts. */
export async function verifyEmail(token: string): Promise<User> {
  const reply = await post<SessionReply>('/api/auth/verify', { token });
  setCsrfToken(reply.csrfToken);
  return reply.user;
}

export const resendVerification = (email?: string) => post<MailSentReply>('/api/auth/verify/resend', email ? { email } : {});
export const forgotPassword = (email: string) => post<MailSentReply>('/api/auth/password/forgot', { email });

/** Sets a new password with a mailed reset link: every other session and token ends, a new session starts. */
export async function resetPassword(token: string, password: string): Promise<User> {
  const reply = await post<SessionReply>('/api/auth/password/reset', { token, password });
  setCsrfToken(reply.csrfToken);
  return reply.user;
}

export const listInvitations = () => get<InvitationsReply>('/api/invitations');
export const acceptInvitation = (id: number) => post<InvitationAcceptedReply>(`/api/invitations/${id}/accept`);

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
