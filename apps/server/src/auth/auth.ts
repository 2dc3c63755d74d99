import { hash, verify } from '@node-rs/argon2';
import { and, eq, gt, lt } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { sessions, settings } from '../catalog/schema.js';
import { AuthRequiredError, ForbiddenError, UserInputError } from '../errors.js';

/**
 * One admin account: its password hash (argon2id) lives in the settings table; sessions are
 * random tokens of which the catalog keeps only a SHA-256, so a copy of the database does not
 * let anyone in.
 */

const PASSWORD_KEY = 'admin_password_hash';
export const MIN_PASSWORD_LENGTH = 8;
export const SESSION_DAYS = 30;

export function isSetupRequired(catalog: Catalog): boolean {
  return (
    catalog.db.select().from(settings).where(eq(settings.key, PASSWORD_KEY)).get() === undefined
  );
}

/** First start: sets the admin password, only while none exists. */
export async function setupAdminPassword(catalog: Catalog, password: string): Promise<void> {
  assertPasswordAcceptable(password);
  const hashed = await hash(password);
  const created = catalog.write((tx) => {
    if (tx.select().from(settings).where(eq(settings.key, PASSWORD_KEY)).get()) return false;
    tx.insert(settings).values({ key: PASSWORD_KEY, value: hashed }).run();
    return true;
  });
  if (!created) throw new ForbiddenError('The admin password is already set: log in instead');
}

/** Replaces the admin password (CLI `glacier admin password`) and ends every session. */
export async function resetAdminPassword(catalog: Catalog, password: string): Promise<void> {
  assertPasswordAcceptable(password);
  const hashed = await hash(password);
  catalog.write((tx) => {
    tx.insert(settings)
      .values({ key: PASSWORD_KEY, value: hashed })
      .onConflictDoUpdate({ target: settings.key, set: { value: hashed } })
      .run();
    tx.delete(sessions).run();
  });
}

export async function checkPassword(catalog: Catalog, password: string): Promise<void> {
  const row = catalog.db.select().from(settings).where(eq(settings.key, PASSWORD_KEY)).get();
  if (!row) throw new ForbiddenError('No admin password is set yet: open the app to choose one');
  if (!(await verify(row.value, password))) throw new ForbiddenError('Wrong password');
}

export function createSession(catalog: Catalog): { token: string; expiresAt: number } {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + SESSION_DAYS * 24 * 3600 * 1000;
  catalog.write((tx) => {
    tx.delete(sessions).where(lt(sessions.expiresAt, now)).run();
    tx.insert(sessions)
      .values({ tokenHash: tokenHash(token), createdAt: now, expiresAt })
      .run();
  });
  return { token, expiresAt };
}

export function isValidSession(catalog: Catalog, token: string | undefined): boolean {
  if (!token) return false;
  return (
    catalog.db
      .select({ expiresAt: sessions.expiresAt })
      .from(sessions)
      .where(and(eq(sessions.tokenHash, tokenHash(token)), gt(sessions.expiresAt, Date.now())))
      .get() !== undefined
  );
}

export function requireSession(catalog: Catalog, token: string | undefined): void {
  if (!isValidSession(catalog, token)) throw new AuthRequiredError('Log in first');
}

export function endSession(catalog: Catalog, token: string | undefined): void {
  if (!token) return;
  catalog.write((tx) =>
    tx
      .delete(sessions)
      .where(eq(sessions.tokenHash, tokenHash(token)))
      .run(),
  );
}

function assertPasswordAcceptable(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UserInputError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > 1024)
    throw new UserInputError('The password is too long (1024 characters at most)');
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
