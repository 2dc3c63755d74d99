import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MOTO_ENV, MOTO_START_TIMEOUT_MS, startMoto, type Moto } from './moto';
import { artifactsDir, startServer, type RunningServer } from './server';

interface WorkerFixtures {
  /**
   * Which server a test file gets. Files that set their own name with
   * `test.use({ serverName: '…' })` run in their own worker, so they get a server of their own
   * with a fresh data dir (first-start needs that); the others share the 'shared' one.
   */
  serverName: string;
  /**
   * `test.use({ withS3: true })` starts moto (a local S3) for the file's worker, and gives the
   * server the credentials moto accepts; `moto` is then its handle (null otherwise).
   */
  withS3: boolean;
  /** Extra environment of the server process (a bandwidth limit, say). */
  serverEnv: Record<string, string>;
  moto: Moto | null;
  server: RunningServer;
}

interface TestFixtures {
  /**
   * Saves `../artifacts/e2e/screens/<project>-<name>.png`: the full page, or only the viewport
   * with `{ fullPage: false }` (a modal sheet, which a full-page capture would cut at its height).
   */
  screenshotAs: (name: string, options?: { fullPage?: boolean }) => Promise<void>;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  serverName: ['shared', { scope: 'worker', option: true }],
  withS3: [false, { scope: 'worker', option: true }],
  serverEnv: [{}, { scope: 'worker', option: true }],
  moto: [
    async ({ withS3 }, use) => {
      if (!withS3) {
        await use(null);
        return;
      }
      const moto = await startMoto();
      try {
        await use(moto);
      } finally {
        await moto.stop();
      }
    },
    { scope: 'worker', timeout: MOTO_START_TIMEOUT_MS },
  ],
  server: [
    async ({ serverName, serverEnv, moto }, use, workerInfo) => {
      const server = await startServer(`${workerInfo.project.name}-${serverName}`, {
        ...(moto ? MOTO_ENV : {}),
        ...serverEnv,
      });
      try {
        await use(server);
      } finally {
        await server.stop();
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.baseURL);
  },
  page: async ({ page }, use) => {
    // Any uncaught error in the page fails the test, with what it was.
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
  screenshotAs: async ({ page }, use, testInfo) => {
    await use((name, options) => saveScreen(page, testInfo, name, options?.fullPage ?? true));
  },
});

async function saveScreen(page: Page, testInfo: TestInfo, name: string, fullPage: boolean) {
  const dir = path.join(artifactsDir, 'screens');
  mkdirSync(dir, { recursive: true });
  // A whole page is captured from its top: scrolled down, the sticky top bar would be painted
  // where the window stood, over the middle of the page.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({
    path: path.join(dir, `${testInfo.project.name}-${name}.png`),
    fullPage,
  });
}

/** The page does not scroll sideways (the phone layout fits its 390 px). */
export async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
}

export { expect };
