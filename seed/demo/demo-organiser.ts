/**
 * Who organises the demo: the start-up organiser (CARINA_ORGANISER) when configured, else the first platform
 * admin, else a new admin `admin@carina.local` (verified: the platform made it) whose random password is written
 * once to a file of mode 600 under the data folder, never to the log or the terminal (the log names the file).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findUserByEmail, firstAdmin, hashPassword, insertUser, randomToken, type AppDeps, type UserRow } from '../../server/platform-api.ts';
import { DEMO_ORGANISER_EMAIL } from './demo-content.ts';

export interface DemoOrganiser {
  readonly user: UserRow;
  /** The password of an account created just now (to show once); undefined for an existing account. */
  readonly newPassword?: string;
}

export async function demoOrganiser(deps: AppDeps): Promise<DemoOrganiser> {
  const configured = deps.config.organiser && (await findUserByEmail(deps.db, deps.config.organiser.email));
  if (configured && configured.is_admin) return { user: configured };
  const admin = await firstAdmin(deps.db);
  if (admin) return { user: admin };
  const password = randomToken(15);
  const created = await insertUser(deps.db, DEMO_ORGANISER_EMAIL, 'Demo organiser', await hashPassword(password), true, true);
  if (created) return { user: created, newPassword: password };
  // the address exists without admin rights (made by hand): use it as it is only if it is an admin
  throw new Error(`${DEMO_ORGANISER_EMAIL} exists but is not a platform admin; set CARINA_ORGANISER=email:password to choose the demo's organiser`);
}

/** Writes the new organiser's password to `<dataDir>/demo-organiser-password.txt` (mode 600); the file's path. */
export function writePasswordFile(dataDir: string, email: string, password: string): string {
  const file = join(dataDir, 'demo-organiser-password.txt');
  writeFileSync(file, `${email}\n${password}\n`, { mode: 0o600 });
  return file;
}

export function organiserAnnouncement(email: string, passwordFile: string): string {
  return (
    `\nDemo organiser account (platform admin) created:\n` +
    `  e-mail:        ${email}\n  password file: ${passwordFile} (mode 600; delete it once you have the password)\n` +
    `To choose your own organiser instead, set CARINA_ORGANISER=email:password.\n\n`
  );
}
