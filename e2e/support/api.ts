import { expect, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * What the specs do through the API rather than the page (setting a worker's server up, waiting
 * for a job the page under test does not show): the browser's own session, so the page is
 * signed in too.
 */

/** The admin password of every test server. */
export const PASSWORD = 'correct horse battery staple';

/** Sets the password on a server never set up, or logs in to one an earlier test set up. */
export async function signIn(page: Page): Promise<void> {
  const state = await api<{ setupRequired: boolean; authenticated: boolean }>(
    page,
    'GET',
    '/api/auth/state',
  );
  const call = state.setupRequired ? 'setup' : state.authenticated ? null : 'login';
  if (call) {
    const answer = await page.request.post(`/api/auth/${call}`, { data: { password: PASSWORD } });
    expect(answer.status(), `${call}: ${await answer.text()}`).toBe(204);
  }
}

/** A call that must succeed (its answer's text says why when it does not); its JSON. */
export async function api<T>(
  page: Page,
  method: 'GET' | 'POST',
  url: string,
  data?: unknown,
): Promise<T> {
  const response =
    method === 'GET' ? await page.request.get(url) : await page.request.post(url, { data });
  expect(response.ok(), `${method} ${url}: ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

/** Waits until the job is done (polling GET /api/jobs/:id). */
export async function jobDone(page: Page, id: number, timeout = 90_000): Promise<void> {
  await expect
    .poll(async () => (await api<{ state: string }>(page, 'GET', `/api/jobs/${id}`)).state, {
      timeout,
      intervals: [50, 100, 250, 500],
    })
    .toBe('done');
}

/** Starts a job (a POST answering with it) and waits until it is done; its id. */
export async function runJob(page: Page, url: string, data: unknown): Promise<number> {
  const { id } = await api<{ id: number }>(page, 'POST', url, data);
  await jobDone(page, id);
  return id;
}

/** Hex SHA-256 of a file, to compare a download with its original byte for byte. */
export async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}
