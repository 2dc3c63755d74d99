import type { Locator, Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PASSWORD, sha256, signIn } from '../support/api';
import { expect, expectNoHorizontalOverflow, test } from '../support/fixtures';
import { repoRoot } from '../support/server';
import { longPress, press } from '../support/touch';

// Its own server and its own moto (a local S3); uploads limited to 512 KiB/s so that the
// tracker has a few seconds of running transfer to show; restores checked every 200 ms (moto
// thaws at once) instead of after a minute.
test.use({
  serverName: 'archive',
  withS3: true,
  serverEnv: { GLACIER_UPLOAD_LIMIT_KIBPS: '512', GLACIER_RESTORE_POLL_MS: '200,1000' },
});

const LABEL = 'Holiday';
const FOLDER = 'Trip';
const BUCKET = 'e2e-archive';
const PREFIX = 'nas';
const samples = process.env.GLACIER_SAMPLES ?? path.resolve(repoRoot, '../shared/media-samples');

const IPHONE = 'mei_Apple_iPhone_4.jpg';
const GOPRO = 'pp_GoPro_HD2.jpg';
const PORTRAIT = 'ia_orientation_portrait_6.jpg';
const CLIP = 'ne_phone_rot90_gps.mp4';
const HEIC = 'pp_iPhone7.heic';
const MEDIA: [folder: string, name: string][] = [
  ['jpeg', IPHONE],
  ['jpeg', GOPRO],
  ['jpeg', PORTRAIT],
  ['video', CLIP],
  ['heic', HEIC],
];

/**
 * Opens the app as a new user does: a server never set up shows the setup page, where the
 * password is typed twice; one set up already (by an earlier test of this worker) the login page.
 * Either way it ends on home.
 */
async function startInBrowser(page: Page, touch: boolean) {
  await page.goto('/');
  const setup = page.getByRole('heading', { name: 'Choose the admin password' });
  const login = page.getByRole('heading', { name: 'Log in' });
  const home = page.getByRole('heading', { name: 'Media roots' });
  await expect(setup.or(login).or(home)).toBeVisible();
  if (await setup.isVisible()) {
    await expect(page).toHaveURL(/\/setup\/$/);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm the password').fill(PASSWORD);
    await press(page.getByRole('button', { name: 'Set the password' }), touch);
  } else if (await login.isVisible()) {
    await expect(page).toHaveURL(/\/login\/$/);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await press(page.getByRole('button', { name: 'Log in' }), touch);
  }
  await expect(page).toHaveURL(/\/$/);
  await expect(home).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

/** Goes to a section through the main navigation (the bottom bar on a phone). */
async function navigate(
  page: Page,
  section: 'Home' | 'Browse' | 'Activity' | 'Restores' | 'Settings',
) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: section }).click();
}

/** Browse (which offers the roots) → the root → the trip's folder, by links. */
async function openTrip(page: Page) {
  await navigate(page, 'Browse');
  await page
    .getByRole('list', { name: 'Media roots' })
    .getByRole('link', { name: new RegExp(`^${LABEL}`) })
    .click();
  await page.getByRole('link', { name: new RegExp(`^${FOLDER}\\b`) }).click();
  await expect(page.getByRole('heading', { level: 1, name: FOLDER })).toBeVisible();
}

const selectionBar = (page: Page) => page.getByRole('region', { name: 'Selection' });

/** Selects one file of the listing: its checkbox on a desktop, a long press on a phone. */
async function selectOne(page: Page, name: string, touch: boolean) {
  if (touch) await longPress(page, fileEntry(page, name).locator('.file-card'), selectionBar(page));
  else await page.getByRole('checkbox', { name: `Select ${name}` }).check();
  await expect(selectionBar(page).locator('.selection-count')).toHaveText('1 file selected');
}

const fileEntry = (page: Page, name: string) => page.locator(`[data-file="${name}"]`);

test.describe('contact sheets, destinations, archive and the tracker', () => {
  let mediaDir = '';
  let usbDir = '';

  test.beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-media-'));
    await mkdir(path.join(mediaDir, FOLDER));
    for (const [folder, name] of MEDIA) {
      await copyFile(path.join(samples, folder, name), path.join(mediaDir, FOLDER, name));
    }
    // Beside the trip: a damaged photo (no thumbnail) and a text file (not a picture at all).
    await mkdir(path.join(mediaDir, 'Broken'));
    await copyFile(
      path.join(samples, 'broken', 'pp_broken_truncated.jpg'),
      path.join(mediaDir, 'Broken', 'truncated.jpg'),
    );
    await writeFile(path.join(mediaDir, 'Broken', 'notes.txt'), 'Day 1: Kyoto.\n');
    usbDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-usb-'));
  });

  test.afterAll(async () => {
    for (const dir of [mediaDir, usbDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('scan, summarise, open a sheet tile, add destinations, archive to S3 and watch it live', async ({
    page,
    moto,
    screenshotAs,
  }, testInfo) => {
    test.setTimeout(300_000);
    const phone = testInfo.project.name === 'phone';
    const times: Record<string, number> = {};
    const timed = async (name: string, body: () => Promise<void>) => {
      const started = Date.now();
      await test.step(name, body);
      times[name] = Date.now() - started;
    };
    // Whole pages on a desktop; on a phone what the screen shows from the top (a full-page
    // capture would paint the sticky top bar and the fixed bottom bar mid-page).
    const shot = async (name: string) => {
      if (phone) await page.evaluate(() => window.scrollTo(0, 0));
      await screenshotAs(name, { fullPage: !phone });
    };
    expect(moto, 'moto runs for this file').not.toBeNull();
    await moto!.createBucket(BUCKET);

    await timed('first start: set the password in the browser (or log in)', async () => {
      await startInBrowser(page, phone);
    });

    await timed('add the root and scan it', async () => {
      await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
      const form = page.getByRole('form', { name: 'Add a media root' });
      await form.getByLabel('Folder path').fill(mediaDir);
      await form.getByLabel('Label').fill(LABEL);
      await form.getByRole('button', { name: 'Add root' }).click();
      await expect(form.getByRole('status')).toContainText(`Added “${LABEL}”`);
      await page.getByRole('button', { name: `Scan ${LABEL}` }).click();
      const job = page
        .getByRole('list', { name: 'Jobs' })
        .getByRole('listitem', { name: /^Scan of Holiday/ });
      await expect(job.getByTestId('job-state')).toHaveText('done', { timeout: 90_000 });
      await expect(job).toContainText('7 files');
    });

    await timed('browse the folder as a grid of thumbnails', async () => {
      // No root in the URL: the page offers the roots.
      await openTrip(page);
      await expect(page.locator('[data-file]')).toHaveCount(5);
      // Nothing summarised or archived yet.
      await expect(page.locator('[data-tag="summarised"]')).toHaveCount(0);

      await page
        .getByRole('group', { name: 'Layout' })
        .getByRole('button', { name: 'Grid' })
        .click();
      await expect(page).toHaveURL(/layout=grid/);
      const grid = page.getByRole('list', { name: /^Files in Holiday\/Trip/ });
      await expect(grid.locator('.grid-tile')).toHaveCount(5);
      // The JPEG's thumbnail is a real picture from GET /api/files/:id/thumbnail.
      const thumb = fileEntry(page, IPHONE).locator('img');
      await expect(thumb).toHaveAttribute('src', /^\/api\/files\/\d+\/thumbnail$/);
      await expect
        .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
          timeout: 30_000,
        })
        .toBeGreaterThan(0);
      // The tiles are reachable by keyboard; the arrow keys move between them.
      const tiles = grid.locator('.grid-tile');
      await tiles.first().focus();
      await page.keyboard.press('ArrowRight');
      await expect(tiles.nth(1)).toBeFocused();
      await page.keyboard.press('End');
      await expect(tiles.nth(4)).toBeFocused();
      await page.keyboard.press('Enter');
      const last = (await tiles.nth(4).locator('.grid-name').textContent()) ?? '';
      const dialog = page.getByRole('dialog', { name: last });
      await expect(dialog).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      // Every thumbnail loads (the HEIC's is decoded on demand, which takes a moment).
      await expect
        .poll(
          () =>
            grid
              .locator('img')
              .evaluateAll((imgs) =>
                imgs.every(
                  (img) =>
                    (img as HTMLImageElement).complete &&
                    (img as HTMLImageElement).naturalWidth > 0,
                ),
              ),
          { timeout: 60_000 },
        )
        .toBe(true);
      await expect(grid.locator('[data-thumb="none"]')).toHaveCount(0);
      await expectNoHorizontalOverflow(page);
      await shot('browse-grid');
    });

    await timed(
      'a photo without a thumbnail gets a placeholder with the server’s reason',
      async () => {
        await page.goto('/browse/?root=Holiday&path=Broken&layout=grid');
        const broken = fileEntry(page, 'truncated.jpg').locator('[data-thumb="none"]');
        await expect(broken).toBeVisible({ timeout: 30_000 });
        const listing = (await (
          await page.request.get('/api/roots/Holiday/browse?path=Broken')
        ).json()) as { files: { id: number; name: string }[] };
        const id = listing.files.find((f) => f.name === 'truncated.jpg')!.id;
        const answer = await page.request.get(`/api/files/${id}/thumbnail`);
        expect(answer.status()).toBe(404);
        const reason = ((await answer.json()) as { error: { message: string } }).error.message;
        expect(reason).toBe('truncated.jpg cannot be shown: corrupt or truncated image');
        await expect(broken).toHaveAttribute('title', reason);
        await expect(broken).toHaveText('JPG');
        // A text file is not asked for a thumbnail at all.
        await expect(fileEntry(page, 'notes.txt').locator('[data-thumb="none"]')).toHaveAttribute(
          'title',
          /not a photo or a video/,
        );
        await page.goBack();
        await expect(page.getByRole('heading', { level: 1, name: FOLDER })).toBeVisible();
      },
    );

    await timed('summarise the folder: the sheet appears live', async () => {
      await page.getByRole('tab', { name: 'Sheets' }).click();
      await expect(page).toHaveURL(/view=sheets/);
      await expect(page.getByText('No contact sheets for this folder yet.')).toBeVisible();
      await page.evaluate(() => {
        (window as unknown as { __noReload: boolean }).__noReload = true;
      });
      const started = page.waitForResponse(
        (r) => r.url().endsWith('/api/summaries') && r.request().method() === 'POST',
      );
      await page.getByRole('button', { name: /^Summarise/ }).click();
      expect((await started).status()).toBe(202);
      const sheet = page.getByRole('img', { name: /^Contact sheet 1 of 1, Holiday\/Trip/ });
      await expect(sheet).toBeVisible({ timeout: 120_000 });
      await expect
        .poll(() => sheet.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
        .toBeGreaterThan(0);
      await expect(page.locator('.sheet-tile')).toHaveCount(5);
      await expect(page.locator('.sheets-head')).toContainText('5 tiles');
      // The job's end came over the websocket and refetched the sheets: no reload.
      expect(
        await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload),
      ).toBe(true);
    });

    await timed('hover and click a tile: the details of that file', async () => {
      const viewport = page.getByTestId('sheet-viewport');
      const zoom = page.getByTestId('zoom-level');
      const fitText = await zoom.textContent();
      // Fit to the width by default: the sheet does not overflow sideways.
      expect(await viewport.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(
        1,
      );
      await expectNoHorizontalOverflow(page);
      await shot('sheets');

      const heicTile = page.locator(`.sheet-tile[data-name="${HEIC}"]`);
      await expect(heicTile).toHaveAttribute(
        'aria-label',
        new RegExp(`^${HEIC.replace('.', '\\.')}`),
      );
      const box = (await heicTile.boundingBox())!;
      if (!phone) {
        // Hover names the file over its tile.
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        const tip = heicTile.locator('.tile-tip');
        await expect(tip).toContainText(HEIC);
        await expect.poll(() => tip.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
        await screenshotAs('sheet-hover', { fullPage: false });
        // Ctrl + wheel zooms the sheet around the pointer, not the page.
        await page.keyboard.down('Control');
        await page.mouse.wheel(0, -300);
        await page.keyboard.up('Control');
        await expect(zoom).not.toHaveText(fitText ?? '');
        const wider = (await heicTile.boundingBox())!;
        expect(wider.width).toBeGreaterThan(box.width * 1.2);
        await page.getByRole('button', { name: /^Fit/ }).click();
        await expect(zoom).toHaveText(fitText ?? '');
      } else {
        // Two fingers spread on the sheet zoom it (touch events through the DevTools protocol).
        const session = await page.context().newCDPSession(page);
        const v = (await viewport.boundingBox())!;
        const cx = v.x + v.width / 2;
        const cy = v.y + Math.min(v.height, 200) / 2;
        const points = (d: number) => [
          { x: cx - d, y: cy, id: 1 },
          { x: cx + d, y: cy, id: 2 },
        ];
        await session.send('Input.dispatchTouchEvent', {
          type: 'touchStart',
          touchPoints: points(20),
        });
        for (const d of [30, 45, 60, 80]) {
          await session.send('Input.dispatchTouchEvent', {
            type: 'touchMove',
            touchPoints: points(d),
          });
        }
        await session.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
        await expect(zoom).not.toHaveText(fitText ?? '');
        await session.detach();
        await page.getByRole('button', { name: /^Fit/ }).click();
        await expect(zoom).toHaveText(fitText ?? '');
      }
      // The +/− buttons zoom by steps.
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await expect(zoom).not.toHaveText(fitText ?? '');
      await page.getByRole('button', { name: /^Fit/ }).click();
      await expect(zoom).toHaveText(fitText ?? '');

      // Click (tap) the picture where the HEIC's tile lies: its details open.
      const at = (await heicTile.boundingBox())!;
      if (phone) await page.touchscreen.tap(at.x + at.width / 2, at.y + at.height / 3);
      else await page.mouse.click(at.x + at.width / 2, at.y + at.height / 3);
      const dialog = page.getByRole('dialog', { name: HEIC });
      await expect(dialog).toBeVisible();
      await expect(dialog.getByTestId('sha256')).toHaveText(
        await sha256(path.join(mediaDir, FOLDER, HEIC)),
      );
      await expect(dialog).toContainText(`${LABEL}/${FOLDER}/${HEIC}`);
      await expect(dialog.locator('[data-tag="summarised"]')).toBeVisible();
      await screenshotAs('sheet-details', { fullPage: false });
      await dialog.getByRole('button', { name: 'Close details' }).click();
      await expect(dialog).toBeHidden();

      // Every tile opens the file it shows: the keyboard walks them.
      const first = page.locator('.sheet-tile').first();
      await first.focus();
      await page.keyboard.press('ArrowRight');
      const second = page.locator('.sheet-tile').nth(1);
      await expect(second).toBeFocused();
      const name = (await second.getAttribute('data-name'))!;
      await page.keyboard.press('Enter');
      await expect(page.getByRole('dialog', { name })).toBeVisible();
      await page.keyboard.press('Escape');

      await page.emulateMedia({ colorScheme: 'dark' });
      await shot('sheets-dark');
      await page.emulateMedia({ colorScheme: 'light' });
    });

    await timed('add an S3 and a folder destination in Settings, and test them', async () => {
      await navigate(page, 'Settings');
      await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
      await expect(page.getByTestId('version')).toHaveText(/\d+\.\d+/);
      const form = page.getByRole('form', { name: 'Add a destination' });
      await form.getByLabel('S3 bucket').check();
      await form.getByLabel('Name').fill('offsite');
      await form.getByLabel('Bucket and prefix').fill(`s3://${BUCKET}/${PREFIX}`);
      await form.getByLabel('Storage class').selectOption('DEEP_ARCHIVE');
      await form.getByLabel('Region').fill('us-east-1');
      await form.getByLabel('Endpoint (optional)').fill(moto!.endpoint);
      await form.getByRole('button', { name: 'Add destination' }).click();
      await expect(form.getByRole('status')).toContainText('Added “offsite”');

      await form.getByLabel('Folder', { exact: true }).check();
      await expect(form.getByLabel('Storage class')).toHaveCount(0);
      await form.getByLabel('Name').fill('usb');
      await form.getByLabel('Folder path').fill(usbDir);
      await form.getByRole('button', { name: 'Add destination' }).click();
      await expect(form.getByRole('status')).toContainText('Added “usb”');

      // A bucket that does not exist: the test says so, check by check.
      await form.getByLabel('S3 bucket').check();
      await form.getByLabel('Name').fill('typo');
      await form.getByLabel('Bucket and prefix').fill('s3://no-such-bucket-e2e/x');
      await form.getByLabel('Endpoint (optional)').fill(moto!.endpoint);
      await form.getByRole('button', { name: 'Add destination' }).click();
      await expect(form.getByRole('status')).toContainText('Added “typo”');

      const list = page.getByRole('list', { name: 'Destinations' });
      await expect(list.getByRole('listitem')).toHaveCount(3);
      const offsite = list.getByRole('listitem', { name: 'Destination offsite' });
      await expect(offsite).toContainText(`s3://${BUCKET}/${PREFIX}`);
      await expect(offsite).toContainText('Glacier Deep Archive');
      await expect(offsite).toContainText(moto!.endpoint);

      for (const name of ['offsite', 'usb']) {
        const item = list.getByRole('listitem', { name: `Destination ${name}` });
        await item.getByRole('button', { name: `Test ${name}` }).click();
        await expect(item.getByRole('status')).toHaveText(
          `All 5 checks passed: “${name}” is ready.`,
          {
            timeout: 30_000,
          },
        );
        const checks = item.getByRole('list', { name: `Test of ${name}` }).getByRole('listitem');
        await expect(checks).toHaveCount(5);
        await expect(item.locator('.check-fail')).toHaveCount(0);
        await expect(item.locator('[data-check="put"]')).toContainText('can write objects');
      }
      const typo = list.getByRole('listitem', { name: 'Destination typo' });
      await typo.getByRole('button', { name: 'Test typo' }).click();
      await expect(typo.getByRole('status')).toContainText('checks failed', { timeout: 30_000 });
      await expect(typo.locator('[data-check="list"].check-fail')).toContainText(
        'no-such-bucket-e2e',
      );
      await expectNoHorizontalOverflow(page);
      await shot('settings');
    });

    let jobId = 0;
    let usbJobId = 0;
    await timed('archive the folder to S3 through the plan and quote dialog', async () => {
      await openTrip(page);
      await page.getByRole('button', { name: /^Archive to…/ }).click();
      const dialog = page.getByRole('dialog', { name: `Archive “${FOLDER}”` });
      await expect(dialog).toBeVisible();
      await expect(dialog.getByRole('radio')).toHaveCount(3);
      const planned = page.waitForResponse((r) => r.url().endsWith('/api/archives/plan'));
      await dialog.getByRole('radio', { name: /^offsite/ }).check();
      const plan = (await (await planned).json()) as {
        files: number;
        bytes: number;
        alreadyArchived: number;
        quote: { minimumDays: number; pricesAsOf: string; region: string; storageClass: string };
      };
      let bytes = 0;
      for (const [, name] of MEDIA)
        bytes += (await readFile(path.join(mediaDir, FOLDER, name))).length;
      expect(plan.files).toBe(5);
      expect(plan.bytes).toBe(bytes);
      expect(plan.quote.storageClass).toBe('DEEP_ARCHIVE');
      await expect(dialog.getByTestId('plan-files')).toContainText('5 files');
      await expect(dialog.getByTestId('plan-files')).toContainText(
        `${bytes.toLocaleString('en-US')} bytes`,
      );
      await expect(dialog.getByTestId('plan-already')).toHaveText('0 files');
      const quote = dialog.getByTestId('quote');
      await expect(quote).toContainText('Glacier Deep Archive');
      await expect(dialog.getByTestId('quote-month')).toContainText('a month');
      await expect(dialog.getByTestId('quote-requests')).toContainText('5 requests');
      await expect(dialog.getByTestId('quote-minimum')).toContainText(
        `kept ${plan.quote.minimumDays} days`,
      );
      await expect(dialog.getByTestId('quote-prices')).toContainText(
        `as of ${plan.quote.pricesAsOf}`,
      );
      await screenshotAs('archive-quote', { fullPage: false });

      const started = page.waitForResponse(
        (r) => r.url().endsWith('/api/archives') && r.request().method() === 'POST',
      );
      await dialog.getByRole('button', { name: 'Archive 5 files' }).click();
      const response = await started;
      expect(response.status()).toBe(202);
      jobId = ((await response.json()) as { id: number }).id;
      await expect(dialog.getByRole('status')).toContainText(`Archive started: job #${jobId}`);
      await dialog.getByRole('link', { name: 'Follow it in Activity' }).click();
    });

    await timed('the tracker shows the transfer live until 100 % and done', async () => {
      await expect(page).toHaveURL(/\/jobs\/$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
      // Record what the job's card shows as it changes, with no reload in between.
      await page.evaluate((id) => {
        const w = window as unknown as {
          __seen: { states: string[]; percents: string[]; speeds: string[]; active: number };
        };
        w.__seen = { states: [], percents: [], speeds: [], active: 0 };
        const record = () => {
          const card = [...document.querySelectorAll('li.job')].find((li) =>
            li.getAttribute('aria-label')?.endsWith(`job ${id}`),
          );
          if (!card) return;
          const push = (list: string[], value: string | null | undefined) => {
            if (value && list.at(-1) !== value) list.push(value);
          };
          push(w.__seen.states, card.querySelector('[data-testid="job-state"]')?.textContent);
          push(w.__seen.percents, card.querySelector('[data-testid="job-percent"]')?.textContent);
          push(w.__seen.speeds, card.querySelector('[data-testid="job-speed"]')?.textContent);
          w.__seen.active = Math.max(w.__seen.active, card.querySelectorAll('.active-file').length);
        };
        record();
        new MutationObserver(record).observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
        });
        (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
      }, jobId);

      const card = page.getByRole('listitem', {
        name: new RegExp(`^Archive of Holiday/Trip to offsite, job ${jobId}$`),
      });
      await expect(card).toBeVisible();
      // Under way: its progress block with bytes, speed, time left and the files in flight.
      await expect(card.getByTestId('job-state')).toHaveText('running', { timeout: 30_000 });
      await expect(card.getByTestId('job-progress')).toBeVisible();
      await expect(card.getByTestId('job-speed')).toHaveText(/\/s$/, { timeout: 15_000 });
      await expect(
        card
          .getByRole('list', { name: /^Files under way/ })
          .getByRole('listitem')
          .first(),
      ).toBeVisible();
      await shot('activity-running');

      // A second archive, of every file but the iPhone photo (which stays in S3 alone, for the
      // restore below), to the folder destination, waits while this one runs (one archive job
      // runs at a time): pause it and resume it from its card, live.
      const listing = (await (
        await page.request.get(`/api/roots/${LABEL}/browse?path=${FOLDER}`)
      ).json()) as { files: { id: number; name: string }[] };
      const fileIds = listing.files.filter((f) => f.name !== IPHONE).map((f) => f.id);
      expect(fileIds).toHaveLength(MEDIA.length - 1);
      const queued = await page.request.post('/api/archives', {
        data: { destination: 'usb', root: LABEL, path: FOLDER, fileIds },
      });
      expect(queued.status()).toBe(202);
      usbJobId = ((await queued.json()) as { id: number }).id;
      const usbCard = page.getByRole('listitem', {
        name: new RegExp(`^Archive of 4 files in Holiday/Trip to usb, job ${usbJobId}$`),
      });
      await expect(
        page.getByRole('list', { name: 'Queued jobs' }).getByRole('listitem', { name: /to usb/ }),
      ).toBeVisible();
      await expect(usbCard.getByTestId('job-state')).toHaveText('queued');
      await usbCard.getByRole('button', { name: `Pause job ${usbJobId}` }).click();
      await expect(usbCard.getByTestId('job-state')).toHaveText('paused');
      await expect(usbCard.getByRole('button', { name: `Resume job ${usbJobId}` })).toBeVisible();
      await expect(usbCard.getByRole('button', { name: `Cancel job ${usbJobId}` })).toBeVisible();
      await usbCard.getByRole('button', { name: `Resume job ${usbJobId}` }).click();
      await expect(usbCard.getByTestId('job-state')).toHaveText(/queued|running|done/);

      await expect(card.getByTestId('job-state')).toHaveText('done', { timeout: 90_000 });
      await expect(card.getByTestId('job-percent')).toHaveText('100 %');
      await expect(card).toContainText('5 files archived');
      // The catalog went with the files (.glacier-archiver/catalog/ in the same bucket).
      await expect(card).toContainText('catalog copied');
      const seen = await page.evaluate(
        () =>
          (
            window as unknown as {
              __seen: { states: string[]; percents: string[]; speeds: string[]; active: number };
            }
          ).__seen,
      );
      expect(seen.states).toContain('running');
      expect(seen.states.at(-1)).toBe('done');
      expect(seen.percents.at(-1)).toBe('100 %');
      // Partial percentages were shown on the way.
      expect(seen.percents.some((p) => p !== '100 %' && p !== '0 %')).toBe(true);
      expect(seen.speeds.some((s) => /\d.*\/s$/.test(s))).toBe(true);
      expect(seen.active).toBeGreaterThan(0);
      expect(
        await page.evaluate(
          () => (window as unknown as { __sameDocument?: boolean }).__sameDocument,
        ),
      ).toBe(true);
      testInfo.annotations.push({ type: 'tracker states', description: seen.states.join(' → ') });
      testInfo.annotations.push({
        type: 'tracker percents',
        description: seen.percents.join(', '),
      });
      await expect(usbCard.getByTestId('job-state')).toHaveText('done', { timeout: 60_000 });
      await expect(usbCard).toContainText('4 files archived');
      await expectNoHorizontalOverflow(page);
      await shot('activity');

      // Run it again: nothing left to send, every file is already there.
      await card.getByRole('button', { name: `Run again job ${jobId}` }).click();
      const again = page
        .getByRole('listitem', { name: /^Archive of Holiday\/Trip to offsite, job \d+$/ })
        .first();
      await expect(again).not.toHaveAttribute('aria-label', new RegExp(`job ${jobId}$`));
      await expect(again.getByTestId('job-state')).toHaveText('done', { timeout: 60_000 });
      await expect(again).toContainText('0 files archived');
      await expect(again).toContainText('5 already there');
      // Nothing new there: no new copy of the catalog either.
      await expect(again).not.toContainText('catalog copied');
      // An archive to the bucket that does not exist: each file fails, with the reason, and the
      // finished job offers a retry.
      const doomed = await page.request.post('/api/archives', {
        data: { destination: 'typo', root: LABEL, path: FOLDER },
      });
      expect(doomed.status()).toBe(202);
      const doomedId = ((await doomed.json()) as { id: number }).id;
      const doomedCard = page.getByRole('listitem', {
        name: new RegExp(`^Archive of Holiday/Trip to typo, job ${doomedId}$`),
      });
      await expect(doomedCard.getByTestId('job-state')).toHaveText(/done|failed/, {
        timeout: 60_000,
      });
      await expect(doomedCard).toContainText('0 files archived');
      await expect(doomedCard).toContainText('5 failed');
      // The files, and the folder's sheets that go along: each with its reason.
      await expect(doomedCard).toContainText(/\d+ items failed/);
      await doomedCard.getByRole('button', { name: /^Show all/ }).click();
      const failures = doomedCard.getByRole('list', { name: `Failures of job ${doomedId}` });
      for (const [, name] of MEDIA) {
        await expect(failures).toContainText(
          `${FOLDER}/${name} — the bucket no-such-bucket-e2e does not exist`,
        );
      }
      // Not a 100 % bar, nor a green badge: nothing got there.
      await expect(doomedCard.getByTestId('job-percent')).toHaveCount(0);
      await expect(doomedCard.getByTestId('job-state')).toHaveClass(/\b(warn|danger)\b/);
      await expect(doomedCard.getByRole('button', { name: `Retry job ${doomedId}` })).toBeVisible();
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot('activity-dark');
      await page.emulateMedia({ colorScheme: 'light' });
    });

    await timed('the files are tagged archived; the bucket holds verified copies', async () => {
      await openTrip(page);
      for (const [, name] of MEDIA) {
        const entry = fileEntry(page, name);
        await expect(entry.locator('[data-tag="archived-offsite"]')).toHaveText(
          'archived: offsite',
        );
        await expect(entry.locator('[data-tag="summarised"]')).toBeVisible();
        await expect(entry.locator('[data-tag="archived-usb"]')).toHaveCount(
          name === IPHONE ? 0 : 1,
        );
      }
      await page.getByLabel('Tag', { exact: true }).selectOption('not-archived');
      await expect(page.getByText('No file here matches these filters.')).toBeVisible();
      await page.getByLabel('Tag', { exact: true }).selectOption('archived');
      await expect(page.locator('[data-file]')).toHaveCount(5);
      const tagOptions = await page
        .getByLabel('Tag', { exact: true })
        .locator('option')
        .allTextContents();
      expect(tagOptions).toEqual(
        expect.arrayContaining(['Summarised', 'Archived', 'Not archived']),
      );
      await page.getByRole('button', { name: IPHONE }).click();
      const dialog = page.getByRole('dialog', { name: IPHONE });
      await expect(dialog.locator('[data-tag="archived-offsite"]')).toBeVisible();
      await dialog.getByRole('button', { name: 'Close details' }).click();
      await expectNoHorizontalOverflow(page);
      await shot('browse-archived');

      const objects = await moto!.objects(BUCKET, `${PREFIX}/${LABEL}/${FOLDER}/`);
      const byKey = new Map(objects.map((o) => [o.key, o]));
      for (const [, name] of MEDIA) {
        const object = byKey.get(`${PREFIX}/${LABEL}/${FOLDER}/${name}`);
        expect(object, `${name} in the bucket`).toBeDefined();
        expect(object!.storageClass).toBe('DEEP_ARCHIVE');
        expect(object!.sha256).toBe(await sha256(path.join(mediaDir, FOLDER, name)));
      }
      // The folder destination holds the same bytes, named as on the NAS (all but the iPhone
      // photo, left out of that archive).
      for (const [, name] of MEDIA.filter(([, n]) => n !== IPHONE)) {
        expect(await sha256(path.join(usbDir, LABEL, FOLDER, name))).toBe(
          await sha256(path.join(mediaDir, FOLDER, name)),
        );
      }
      await expect(stat(path.join(usbDir, LABEL, FOLDER, IPHONE))).rejects.toThrow(/ENOENT/);
    });

    await timed('restore a photo with a quote, follow it, download it byte for byte', async () => {
      const tap = (locator: Locator) => press(locator, phone);
      // Back in Browse, the listing as it opens (no filter): pick the iPhone photo alone.
      await openTrip(page);
      await selectOne(page, IPHONE, phone);
      const bar = selectionBar(page);
      if (phone) {
        // Thumb-sized actions (44 px at the least).
        for (const button of await bar.getByRole('button').all()) {
          expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(44);
        }
      }
      // Only in Deep Archive: not readable until restored.
      await expect(bar.getByRole('button', { name: 'Download' })).toBeDisabled();
      const quoted = page.waitForResponse((r) => r.url().endsWith('/api/restores/quote'));
      await tap(bar.getByRole('button', { name: 'Restore…' }));
      const dialog = page.getByRole('dialog', { name: 'Restore 1 file' });
      await expect(dialog).toBeVisible();
      // Its only copy is in S3 (Deep Archive): the browser cannot read it until restored.
      await expect(dialog.getByRole('radio', { name: /^offsite/ })).toBeChecked();
      await expect(dialog.getByRole('radio', { name: /^usb/ })).toHaveCount(0);
      const answer = await quoted;
      expect(answer.request().postDataJSON()).toMatchObject({ destination: 'offsite' });
      const { quote } = (await answer.json()) as {
        quote: {
          pricesAsOf: string;
          tiers: { tier: string; available: boolean; wait: { text: string } | null }[];
        };
      };
      expect(quote.tiers.map((t) => [t.tier, t.available])).toEqual([
        ['Bulk', true],
        ['Standard', true],
        ['Expedited', false],
      ]);
      // Each tier with its price and its wait; Expedited is not offered for Deep Archive.
      for (const tier of quote.tiers.filter((t) => t.available)) {
        const row = dialog.getByTestId(`tier-${tier.tier.toLowerCase()}`);
        await expect(row.getByTestId('tier-price')).toHaveText(/\$\d/);
        await expect(row.getByTestId('tier-wait')).toContainText(`ready ${tier.wait!.text}`);
      }
      await expect(dialog.getByTestId('tier-expedited').getByRole('radio')).toBeDisabled();
      await expect(dialog.getByTestId('restore-prices')).toContainText(quote.pricesAsOf);
      await tap(dialog.getByTestId('tier-standard').getByRole('radio'));
      await expect(dialog.getByTestId('tier-standard').getByRole('radio')).toBeChecked();
      await screenshotAs('restore-quote', { fullPage: false });

      const requested = page.waitForResponse(
        (r) => r.url().endsWith('/api/restores') && r.request().method() === 'POST',
      );
      await tap(dialog.getByRole('button', { name: 'Restore (Standard)' }));
      const response = await requested;
      expect(response.status()).toBe(202);
      expect(response.request().postDataJSON()).toMatchObject({
        destination: 'offsite',
        tier: 'standard',
        days: 7,
      });
      const restoreId = ((await response.json()) as { id: number }).id;
      await expect(dialog.getByRole('status')).toContainText(
        `Restore requested: job #${restoreId}`,
      );
      await tap(dialog.getByRole('link', { name: 'Follow it in Restores' }));

      // The Restores page follows it live: moto thaws at once, so the copy is soon readable.
      await expect(page).toHaveURL(/\/restores\/$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Restores' })).toBeVisible();
      const card = page.getByRole('list', { name: 'Restores' }).getByRole('listitem', {
        name: new RegExp(`^Restore of .* from offsite, job ${restoreId}$`),
      });
      await expect(card).toBeVisible();
      await expect(card.getByTestId('restore-status')).toHaveText('ready', { timeout: 60_000 });
      await expect(card.locator('[data-item-state="available"]')).toHaveText('1 ready');
      await expect(card).toContainText('Standard, kept 7 days');
      await expect(card.getByTestId('restore-expiry')).toBeVisible();
      await expect(
        page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Restores' }),
      ).toHaveAttribute('aria-current', 'page');
      await expectNoHorizontalOverflow(page);
      await shot('restores-journey');
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot('restores-journey-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // Browse again: the tag says until when the copy is readable; Download gets it.
      await openTrip(page);
      const restored = fileEntry(page, IPHONE).locator('[data-tag="restore-offsite"]');
      await expect(restored).toContainText('restored: offsite');
      await expect(restored).toContainText('left');
      await selectOne(page, IPHONE, phone);
      const download = bar.getByRole('button', { name: 'Download' });
      await expect(download).toBeEnabled();
      const [file] = await Promise.all([page.waitForEvent('download'), tap(download)]);
      expect(file.suggestedFilename()).toBe(IPHONE);
      // From the restored S3 copy, its only one.
      expect(new URL(file.url()).searchParams.get('from')).toBe('offsite');
      expect(await sha256(await file.path())).toBe(
        await sha256(path.join(mediaDir, FOLDER, IPHONE)),
      );
      await expect(bar.getByRole('status')).toContainText('Downloading 1 file');
      await expectNoHorizontalOverflow(page);
      await shot('browse-restored');

      // The tracker words the finished restore's outcome, not its raw summary fields.
      await navigate(page, 'Activity');
      const job = page.getByRole('listitem', { name: new RegExp(`, job ${restoreId}$`) });
      await expect(job.getByTestId('job-state')).toHaveText('done');
      await expect(job).toContainText('1 file ready to download until');
      await expect(job).not.toContainText('objects:');
    });

    await timed('home and the phone’s navigation', async () => {
      await navigate(page, 'Home');
      await expect(page.getByRole('heading', { name: 'Media roots' })).toBeVisible();
      // The cost chart is drawn (S3 holds files), not "Loading the chart…" in the screenshots.
      await expect(page.getByTestId('cost-chart')).toBeVisible();
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
      if (phone) {
        // A bottom bar of thumb-sized targets.
        const box = (await nav.boundingBox())!;
        expect(box.y + box.height).toBeGreaterThan(844 - 2);
        for (const link of await nav.getByRole('link').all()) {
          const b = (await link.boundingBox())!;
          expect(b.height).toBeGreaterThanOrEqual(48);
          expect(b.width).toBeGreaterThanOrEqual(48);
        }
      }
      await expectNoHorizontalOverflow(page);
      await shot('home');
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot('home-dark');
      await page.emulateMedia({ colorScheme: 'light' });
    });

    testInfo.annotations.push({
      type: 'step times (ms)',
      description: Object.entries(times)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; '),
    });
    console.log(`[${testInfo.project.name}] step times (ms):`, times);
  });

  // A throttled upload paused mid-part: the body waiting for bandwidth must end quietly (it
  // once threw into a stream nobody read any more, which ended the server).
  test('pause and resume a running S3 upload from its card', async ({ page }) => {
    await signIn(page);
    // New content for the bucket: 4 MB of noise, sent at the test's 512 KiB/s.
    await mkdir(path.join(mediaDir, 'Big'), { recursive: true });
    await writeFile(path.join(mediaDir, 'Big', 'noise.bin'), randomBytes(4_000_000));
    const scan = await page.request.post('/api/scans', { data: { root: LABEL, path: 'Big' } });
    const scanId = ((await scan.json()) as { id: number }).id;
    await expect
      .poll(
        async () =>
          ((await (await page.request.get(`/api/jobs/${scanId}`)).json()) as { state: string })
            .state,
      )
      .toBe('done');
    const started = await page.request.post('/api/archives', {
      data: { destination: 'offsite', root: LABEL, path: 'Big' },
    });
    const { id } = (await started.json()) as { id: number };
    await page.goto('/jobs/');
    const card = page.getByRole('listitem', { name: new RegExp(`job ${id}$`) });
    await expect(card.getByTestId('job-state')).toHaveText('running');
    await card.getByRole('button', { name: `Pause job ${id}` }).click();
    await expect(card.getByTestId('job-state')).toHaveText('paused');
    await card.getByRole('button', { name: `Resume job ${id}` }).click();
    await expect(card.getByTestId('job-state')).toHaveText('done', { timeout: 60_000 });
    await expect(card.getByTestId('job-percent')).toHaveText('100 %');
  });
});
