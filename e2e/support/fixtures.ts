import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { artifactsDir, startServer, type RunningServer } from './server';

interface WorkerFixtures {
  /**
   * Which server a test file gets. Files that set their own name with
   * `test.use({ serverName: '…' })` run in their own worker, so they get a server of their own
   * with a fresh data dir (first-start needs that); the others share the 'shared' one.
   */
  serverName: string;
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
  server: [
    async ({ serverName }, use, workerInfo) => {
      const server = await startServer(`${workerInfo.project.name}-${serverName}`);
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
