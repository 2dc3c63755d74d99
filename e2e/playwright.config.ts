import { defineConfig, devices } from '@playwright/test';
import path from 'node:path';
import { artifactsDir } from './support/server';

/**
 * End-to-end tests: Debian's Chromium (never Playwright's own browser download) against the real server,
 * which each test worker starts on a free loopback port with a fresh data dir (fixtures.ts).
 * Artifacts (screenshots, traces of failures, server logs) land in ../artifacts/e2e, or in
 * $GLACIER_E2E_ARTIFACTS for a run of its own beside another.
 */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: './tests',
  outputDir: artifactsDir,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    [
      'junit',
      {
        outputFile: process.env.GLACIER_E2E_ARTIFACTS
          ? path.join(artifactsDir, 'junit-e2e.xml')
          : '../artifacts/junit-e2e.xml',
      },
    ],
  ],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
    screenshot: 'on',
    trace: 'retain-on-failure',
    locale: 'en-US',
    timezoneId: 'UTC',
  },
  projects: [
    {
      name: 'desktop',
      use: { viewport: { width: 1280, height: 800 } },
    },
    {
      name: 'phone',
      use: {
        // Pixel-7-like user agent and scale, at the 390 px width of the smallest phones we serve.
        userAgent: devices['Pixel 7'].userAgent,
        deviceScaleFactor: devices['Pixel 7'].deviceScaleFactor,
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      },
    },
  ],
});
