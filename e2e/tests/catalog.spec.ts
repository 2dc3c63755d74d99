import type { Page, WebSocket, WebSocketRoute } from '@playwright/test';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signIn } from '../support/api';
import { expect, expectNoHorizontalOverflow, test } from '../support/fixtures';
import { repoRoot } from '../support/server';

// Its own server (and data dir): the catalog this file builds is all it sees.
test.use({ serverName: 'catalog' });

const LABEL = 'Holiday';
const samples = process.env.GLACIER_SAMPLES ?? path.resolve(repoRoot, '../shared/media-samples');

const IPHONE = 'mei_Apple_iPhone_4.jpg';
const GOPRO = 'pp_GoPro_HD2.jpg';
const CLIP = 'ne_phone_rot90_gps.mp4';
const NOTES = 'itinerary.txt';

/** A media folder on disk: real camera files in subfolders, and a text file. */
async function makeMediaFolder() {
  const dir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-media-'));
  await mkdir(path.join(dir, 'Trip', 'clips'), { recursive: true });
  await copyFile(path.join(samples, 'jpeg', IPHONE), path.join(dir, 'Trip', IPHONE));
  await copyFile(path.join(samples, 'jpeg', GOPRO), path.join(dir, 'Trip', GOPRO));
  await copyFile(path.join(samples, 'video', CLIP), path.join(dir, 'Trip', 'clips', CLIP));
  await writeFile(path.join(dir, 'Trip', NOTES), 'Day 1: Rome. Day 2: the coast.\n');
  await writeFile(path.join(dir, 'README.txt'), 'Photos of the holiday.\n');
  return dir;
}

/** One job of the dashboard's list, by its title ("Scan of Holiday, job 3"). */
const scanJobs = (page: Page) =>
  page.getByRole('list', { name: 'Jobs' }).getByRole('listitem', { name: /^Scan of Holiday/ });

/**
 * Records, in the page, every state the first scan job of the list shows and whether its
 * progress block appeared: proof that the page changed by itself, without a reload.
 */
async function watchJobStates(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __jobStates: string[]; __sawProgress: boolean };
    w.__jobStates = [];
    w.__sawProgress = false;
    const record = () => {
      const job = document.querySelector('ul[aria-label="Jobs"] > li');
      const state = job?.querySelector('[data-testid="job-state"]')?.textContent ?? null;
      if (state && w.__jobStates.at(-1) !== state) w.__jobStates.push(state);
      if (job?.querySelector('[data-testid="job-progress"]')) w.__sawProgress = true;
    };
    record();
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

const readJobStates = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __jobStates?: string[]; __sawProgress?: boolean };
    return { states: w.__jobStates, sawProgress: w.__sawProgress };
  });

/** The row (desktop) or card (phone) of a file in the browse page. */
const fileEntry = (page: Page, name: string) => page.locator(`[data-file="${name}"]`);

test.describe('catalog', () => {
  let mediaDir = '';

  test.beforeAll(async () => {
    mediaDir = await makeMediaFolder();
  });

  test.afterAll(async () => {
    if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
  });

  test.beforeEach(async ({ page }) => {
    await signIn(page);
  });

  test('a root path that is not a folder shows the server’s error', async ({
    page,
    screenshotAs,
  }) => {
    await page.goto('/');
    const form = page.getByRole('form', { name: 'Add a media root' });
    await expect(form).toBeVisible();

    await form.getByLabel('Folder path').fill('/nonexistent/glacier-e2e/photos');
    // The label follows the folder's name until it is edited.
    await expect(form.getByLabel('Label')).toHaveValue('photos');
    const attempt = page.waitForResponse(
      (r) => r.url().endsWith('/api/roots') && r.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Add root' }).click();
    const response = await attempt;
    expect(response.status()).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('is not a folder that exists on this machine');
    await expect(form.getByRole('alert')).toHaveText(body.error.message);
    await expect(form.getByLabel('Folder path')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByLabel('Folder path')).toBeFocused();

    // A relative path is refused too, with its own reason.
    await form.getByLabel('Folder path').fill('photos/2024');
    await form.getByRole('button', { name: 'Add root' }).click();
    await expect(form.getByRole('alert')).toContainText('must be absolute');
    await expect(page.getByText('No media roots yet.')).toBeVisible();
    await expectNoHorizontalOverflow(page);
    // On a phone the whole page would have the fixed bottom bar painted over the form: the
    // screen as it shows the form instead.
    const phone = test.info().project.name === 'phone';
    if (phone) await form.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshotAs('add-root-error', { fullPage: !phone });
  });

  test('add a root, scan it live, browse it, open a file, see a deleted file go missing', async ({
    page,
    screenshotAs,
  }, testInfo) => {
    test.setTimeout(120_000);
    const phone = testInfo.project.name === 'phone';
    const frames: string[] = [];
    page.on('websocket', (ws: WebSocket) => {
      if (ws.url().endsWith('/api/events'))
        ws.on('framereceived', (f) => frames.push(`${f.payload}`));
    });

    await test.step('add the media folder as a root through the form', async () => {
      await page.goto('/');
      await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
      const form = page.getByRole('form', { name: 'Add a media root' });
      await form.getByLabel('Folder path').fill(mediaDir);
      await form.getByLabel('Label').fill(LABEL);
      await form.getByRole('button', { name: 'Add root' }).click();
      await expect(form.getByRole('status')).toHaveText(
        `Added “${LABEL}”. Scan it to fill the catalog.`,
      );
      const root = page.getByRole('listitem', { name: `Root ${LABEL}` });
      await expect(root).toContainText(mediaDir);
      await expect(root).toContainText('online');
      await expect(root).toContainText('never scanned');
      await expect(form.getByLabel('Folder path')).toHaveValue('');
    });

    await test.step('scan: the job goes to done live, without a reload', async () => {
      await page.evaluate(() => {
        (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
      });
      await watchJobStates(page);
      const scanned = page.waitForResponse(
        (r) => r.url().endsWith('/api/scans') && r.request().method() === 'POST',
      );
      await page.getByRole('button', { name: `Scan ${LABEL}` }).click();
      expect((await scanned).status()).toBe(202);

      const job = scanJobs(page).first();
      await expect(job).toBeVisible();
      await expect(job.getByTestId('job-state')).toHaveText('done', { timeout: 45_000 });
      // The summary replaces the progress: five files in two folders, all read.
      await expect(job).toContainText('5 files');
      await expect(job).toContainText('5 added');

      const seen = await readJobStates(page);
      expect(seen.states?.at(-1)).toBe('done');
      expect(
        seen.states?.some((s) => s === 'queued' || s === 'running'),
        `states shown: ${seen.states?.join(' → ')}`,
      ).toBe(true);
      expect(
        await page.evaluate(
          () => (window as unknown as { __sameDocument?: boolean }).__sameDocument,
        ),
      ).toBe(true);
      // The websocket carried the job's end (and the page took it from there).
      const events = frames.map((f) => JSON.parse(f) as { type: string; state?: string });
      expect(events.some((e) => e.type === 'job.finished' && e.state === 'done')).toBe(true);
      // Whether the running job's progress block got painted depends on the machine's speed.
      testInfo.annotations.push({
        type: 'progress block seen',
        description: String(seen.sawProgress),
      });

      // A finished scan refetches the roots: the counts changed.
      const root = page.getByRole('listitem', { name: `Root ${LABEL}` });
      await expect(root).toContainText('5 files');
      await expect(root).toContainText('scanned');
      await expect(root).not.toContainText('never scanned');
      await expectNoHorizontalOverflow(page);
      await screenshotAs('dashboard');
    });

    await test.step('browse the root, then Trip', async () => {
      await page.getByRole('link', { name: `Browse ${LABEL}` }).click();
      await expect(page).toHaveURL(/\/browse\/\?root=Holiday$/);
      await expect(page.getByRole('heading', { level: 1, name: LABEL })).toBeVisible();
      await expect(fileEntry(page, 'README.txt')).toBeVisible();
      const trip = page.getByRole('link', { name: /^Trip\b/ });
      await expect(trip).toContainText('4 files');
      await trip.click();
      await expect(page).toHaveURL(/[?&]path=Trip(&|$)/);
      await expect(page.getByRole('heading', { level: 1, name: 'Trip' })).toBeVisible();
      const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
      await expect(crumbs.getByRole('link', { name: LABEL })).toBeVisible();
      await expect(crumbs.locator('[aria-current="page"]')).toHaveText('Trip');
      await expect(page.getByRole('link', { name: /^clips\b/ })).toContainText('1 file');

      const iphone = fileEntry(page, IPHONE);
      await expect(iphone).toBeVisible();
      await expect(iphone).toContainText('Apple iPhone 4');
      await expect(iphone).toContainText('Jan 13, 2011'); // DateTimeOriginal 2011:01:13 14:33:39
      await expect(iphone).toContainText('2:33 PM');
      await expect(iphone).toContainText('photo');
      if (phone) {
        await expect(page.getByRole('table')).toHaveCount(0);
        await expect(page.getByRole('list', { name: /^Files in Holiday\/Trip/ })).toBeVisible();
      } else {
        await expect(page.getByRole('table', { name: /^Files in Holiday\/Trip/ })).toBeVisible();
      }
      await expectNoHorizontalOverflow(page);
      await screenshotAs('browse');
    });

    await test.step('filter, search and sort through the API', async () => {
      await page.getByLabel('Kind', { exact: true }).selectOption('photo');
      await expect(page).toHaveURL(/[?&]kind=photo/);
      await expect(fileEntry(page, NOTES)).toHaveCount(0);
      await expect(fileEntry(page, IPHONE)).toBeVisible();
      await expect(fileEntry(page, GOPRO)).toBeVisible();

      await page.getByLabel('Sort by', { exact: true }).selectOption('size');
      await page.getByLabel('Order', { exact: true }).selectOption('desc');
      await expect(page).toHaveURL(/sort=size/);
      const sizes = await Promise.all(
        [IPHONE, GOPRO].map(async (name) => ({
          name,
          size: (await readFile(path.join(mediaDir, 'Trip', name))).length,
        })),
      );
      const biggestFirst = sizes.sort((a, b) => b.size - a.size).map((s) => s.name);
      await expect(page.locator('[data-file]')).toHaveCount(2);
      await expect
        .poll(() =>
          page.locator('[data-file]').evaluateAll((els) => els.map((e) => e.dataset.file)),
        )
        .toEqual(biggestFirst);

      await page.getByLabel('Search names').fill('gopro');
      await expect(page).toHaveURL(/[?&]q=gopro/);
      await expect(fileEntry(page, IPHONE)).toHaveCount(0);
      await expect(fileEntry(page, GOPRO)).toBeVisible();

      await page.getByRole('button', { name: 'Clear filters' }).click();
      await expect(page.getByLabel('Search names')).toHaveValue('');
      await expect(fileEntry(page, NOTES)).toBeVisible();
      await expect(page.locator('[data-file]')).toHaveCount(3);
    });

    await test.step('the details of the iPhone photo, with its sha256', async () => {
      const expected = createHash('sha256')
        .update(await readFile(path.join(mediaDir, 'Trip', IPHONE)))
        .digest('hex');
      const open = page.getByRole('button', { name: IPHONE });
      await open.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: IPHONE });
      await expect(dialog).toBeVisible();
      await expect(dialog.getByTestId('sha256')).toHaveText(expected);
      await expect(dialog).toContainText(`${LABEL}/Trip/${IPHONE}`);
      await expect(dialog).toContainText('Apple iPhone 4');
      await expect(dialog).toContainText('Jan 13, 2011, 2:33 PM');
      await expect(dialog).toContainText('1,296 × 968');
      await expect(dialog).toContainText('image/jpeg');
      await expect(dialog).toContainText('41.85300° N, 12.48883° E');
      await expect(dialog.getByRole('heading', { name: 'History' })).toBeVisible();
      await expect(dialog.getByRole('button', { name: 'Close details' })).toBeFocused();
      if (phone) {
        // A full-screen sheet on the phone.
        const box = await dialog.boundingBox();
        expect(box?.width).toBe(390);
        expect(box?.x).toBe(0);
      }
      await screenshotAs('details', { fullPage: false });
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(open).toBeFocused();

      // The video in clips/: duration, codec, the rotation of a portrait phone clip.
      await page.getByRole('link', { name: /^clips\b/ }).click();
      await page.getByRole('button', { name: CLIP }).click();
      const video = page.getByRole('dialog', { name: CLIP });
      await expect(video).toContainText('video');
      await expect(video).toContainText('1,920 × 1,080 stored, shown 1,080 × 1,920');
      await expect(video).toContainText('1.1 s');
      await video.getByRole('button', { name: 'Close details' }).click();
      await expect(video).toBeHidden();
    });

    await test.step('delete a file on disk, scan again: it is tagged missing', async () => {
      await rm(path.join(mediaDir, 'Trip', GOPRO));
      await page
        .getByRole('navigation', { name: 'Breadcrumb' })
        .getByRole('link', { name: 'Roots' })
        .click();
      await expect(page.getByRole('heading', { name: 'Media roots' })).toBeVisible();
      const before = await scanJobs(page).count();
      await page.getByRole('button', { name: `Scan ${LABEL}` }).click();
      await expect(scanJobs(page)).toHaveCount(before + 1);
      await expect(scanJobs(page).first().getByTestId('job-state')).toHaveText('done', {
        timeout: 45_000,
      });
      await expect(scanJobs(page).first()).toContainText('1 missing');
      const root = page.getByRole('listitem', { name: `Root ${LABEL}` });
      await expect(root).toContainText('4 files');
      await expect(root).toContainText('1 missing file');

      await page.getByRole('link', { name: `Browse ${LABEL}` }).click();
      await page.getByRole('link', { name: /^Trip\b/ }).click();
      const gone = fileEntry(page, GOPRO);
      await expect(gone.getByRole('list', { name: 'Tags' })).toHaveText('missing');
      await expect(fileEntry(page, IPHONE).getByRole('list', { name: 'Tags' })).toHaveCount(0);

      await page.getByLabel('Tag', { exact: true }).selectOption('missing');
      await expect(page.locator('[data-file]')).toHaveCount(1);
      await expect(gone).toBeVisible();
      await expectNoHorizontalOverflow(page);
      await screenshotAs('browse-missing');

      await gone.getByRole('button', { name: GOPRO }).click();
      const dialog = page.getByRole('dialog', { name: GOPRO });
      await expect(dialog.getByRole('list', { name: 'Tags' })).toHaveText('missing');
      await expect(dialog.getByRole('heading', { name: 'History' })).toBeVisible();
      await expect(dialog.locator('.history-list')).toContainText('missing');
      await dialog.getByRole('button', { name: 'Close details' }).click();
    });

    await test.step('an unplugged root stays browsable from the catalog', async () => {
      const away = `${mediaDir}-unplugged`;
      await rename(mediaDir, away);
      try {
        await page.reload();
        await expect(page.getByRole('heading', { level: 1, name: 'Trip' })).toBeVisible();
        await expect(page.getByText('Offline — showing the catalog.')).toBeVisible();
        await expect(page.locator('.browse-head .badge')).toHaveText('offline');
        await expect(fileEntry(page, GOPRO)).toBeVisible();
        await page.getByLabel('Tag', { exact: true }).selectOption('');
        await expect(fileEntry(page, IPHONE)).toBeVisible();
        await screenshotAs('browse-offline');
        await page
          .getByRole('navigation', { name: 'Breadcrumb' })
          .getByRole('link', { name: 'Roots' })
          .click();
        await expect(page.getByRole('listitem', { name: `Root ${LABEL}` })).toContainText(
          'offline',
        );
      } finally {
        await rename(away, mediaDir);
      }
    });
  });

  test('the live feed reconnects after a drop and catches up on what it missed', async ({
    page,
  }) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-media-'));
    try {
      await copyFile(path.join(samples, 'jpeg', IPHONE), path.join(dir, IPHONE));
      const added = await page.request.post('/api/roots', { data: { path: dir, label: 'Again' } });
      expect(added.status()).toBe(201);

      // Every connection goes to the real server; `deaf` drops the server's frames, as a
      // connection that died without a close would.
      const routes: WebSocketRoute[] = [];
      let deaf = false;
      await page.routeWebSocket(/\/api\/events$/, (ws) => {
        routes.push(ws);
        const server = ws.connectToServer();
        server.onMessage((message) => {
          if (!deaf) ws.send(message);
        });
      });

      await page.goto('/');
      const live = page.getByRole('status').filter({ hasText: /Live|Connecting|Reconnecting/ });
      await expect(live).toHaveText('Live');
      await expect(page.getByRole('listitem', { name: 'Root Again' })).toBeVisible();
      const jobs = page
        .getByRole('list', { name: 'Jobs' })
        .getByRole('listitem', { name: /^Scan of Again/ });
      const before = await jobs.count();

      // A scan whose every event is lost: the page cannot know of it.
      deaf = true;
      const started = await page.request.post('/api/scans', { data: { root: 'Again' } });
      expect(started.status()).toBe(202);
      const { id } = (await started.json()) as { id: number };
      await expect
        .poll(
          async () =>
            ((await (await page.request.get(`/api/jobs/${id}`)).json()) as { state: string }).state,
          {
            timeout: 45_000,
          },
        )
        .toBe('done');
      await expect(jobs).toHaveCount(before);

      // The socket drops; the page says so, reconnects by itself and refetches the jobs.
      deaf = false;
      const refetched = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/jobs');
      await routes[0]!.close({ code: 1011, reason: 'test drop' });
      await expect(live).toHaveText('Reconnecting…');
      await expect(live).toHaveText('Live', { timeout: 15_000 });
      expect(routes.length).toBe(2);
      await refetched;
      await expect(jobs).toHaveCount(before + 1);
      await expect(jobs.first().getByTestId('job-state')).toHaveText('done');
      await expect(page.getByRole('listitem', { name: 'Root Again' })).toContainText('1 file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('one live feed serves every page: Home → Browse → Activity keeps its one socket', async ({
    page,
  }) => {
    const sockets: WebSocket[] = [];
    page.on('websocket', (ws: WebSocket) => {
      if (ws.url().endsWith('/api/events')) sockets.push(ws);
    });
    const live = page.getByRole('status').filter({ hasText: /Live|Connecting|Reconnecting/ });
    const nav = page.getByRole('navigation', { name: 'Main' });

    await page.goto('/');
    await expect(live).toHaveText('Live');
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    await nav.getByRole('link', { name: 'Browse' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Browse' })).toBeVisible();
    await expect(live).toHaveText('Live');
    await nav.getByRole('link', { name: 'Activity' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
    await expect(live).toHaveText('Live');
    await expect(page.getByText('Live: progress arrives as it happens.')).toBeVisible();

    // Client-side navigations (the same document) and the one socket, still open.
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.isClosed()).toBe(false);

    // It still carries the events: a scan started now shows on Activity, done, without a reload.
    const dir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-feed-'));
    try {
      const added = await page.request.post('/api/roots', { data: { path: dir, label: 'Feed' } });
      expect(added.status()).toBe(201);
      const finished = sockets[0]!.waitForEvent('framereceived', {
        predicate: (f) => `${f.payload}`.includes('"job.finished"'),
        timeout: 45_000,
      });
      const started = await page.request.post('/api/scans', { data: { root: 'Feed' } });
      expect(started.status()).toBe(202);
      const { id } = (await started.json()) as { id: number };
      await finished;
      const job = page.getByRole('listitem', { name: `Scan of Feed, job ${id}` });
      await expect(job.getByTestId('job-state')).toHaveText('done');
      expect(sockets).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
