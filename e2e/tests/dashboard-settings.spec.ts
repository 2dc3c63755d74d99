import type { Page } from '@playwright/test';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, jobDone, sha256, signIn } from '../support/api';
import { expect, expectNoHorizontalOverflow, test } from '../support/fixtures';
import { repoRoot } from '../support/server';

// Its own server and moto: restores are checked every 200 ms instead of after a minute.
test.use({
  serverName: 'dashboard',
  withS3: true,
  serverEnv: { GLACIER_RESTORE_POLL_MS: '200,1000' },
});

const LABEL = 'Holiday';
const BUCKET = 'e2e-dashboard';
const samples = process.env.GLACIER_SAMPLES ?? path.resolve(repoRoot, '../shared/media-samples');
const MEDIA: [sample: string, place: string][] = [
  ['jpeg/mei_Apple_iPhone_4.jpg', 'Trip/iphone.jpg'],
  ['jpeg/pp_GoPro_HD2.jpg', 'Trip/gopro.jpg'],
  ['video/ne_phone_rot90_gps.mp4', 'Home/clip.mp4'],
];

async function navigate(page: Page, section: 'Home' | 'Restores' | 'Settings') {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: section }).click();
}

test.describe('dashboard, transfer settings and restores', () => {
  let mediaDir = '';
  let usbDir = '';
  let downloadDir = '';
  const size: Record<string, number> = {};

  test.beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-dash-'));
    for (const [sample, place] of MEDIA) {
      await mkdir(path.dirname(path.join(mediaDir, place)), { recursive: true });
      await copyFile(path.join(samples, sample), path.join(mediaDir, place));
      size[place] = (await stat(path.join(mediaDir, place))).size;
    }
    usbDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-usb-'));
    downloadDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-restored-'));
  });

  test.afterAll(async () => {
    for (const dir of [mediaDir, usbDir, downloadDir])
      if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('coverage and cost follow a scan and archives; settings persist; restores are listed', async ({
    page,
    moto,
    screenshotAs,
  }, testInfo) => {
    test.setTimeout(240_000);
    const phone = testInfo.project.name === 'phone';
    const shot = async (name: string) => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshotAs(name, { fullPage: !phone });
    };
    /** Light, then dark: the page as the system's dark mode shows it. */
    const shots = async (name: string) => {
      await page.emulateMedia({ colorScheme: 'light' });
      await shot(`${name}-light`);
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot(`${name}-dark`);
      await page.emulateMedia({ colorScheme: 'light' });
    };
    expect(moto, 'moto runs for this file').not.toBeNull();
    await moto!.createBucket(BUCKET);
    await signIn(page);
    const total = Object.values(size).reduce((a, b) => a + b, 0);
    const trip = size['Trip/iphone.jpg']! + size['Trip/gopro.jpg']!;
    const meter = (name: string) => page.getByRole('meter', { name });

    await test.step('add a root and scan it: the dashboard counts its files', async () => {
      await page.goto('/');
      await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
      const form = page.getByRole('form', { name: 'Add a media root' });
      await form.getByLabel('Folder path').fill(mediaDir);
      await form.getByLabel('Label').fill(LABEL);
      await form.getByRole('button', { name: 'Add root' }).click();
      await expect(form.getByRole('status')).toContainText(`Added “${LABEL}”`);
      await page.getByRole('button', { name: `Scan ${LABEL}` }).click();
      const stat = page.getByTestId('glance-catalogued').locator('xpath=ancestor::div[1]');
      // The scan's end comes over the websocket and refetches the numbers: no reload.
      await expect(stat).toContainText('3 files', { timeout: 90_000 });
      await expect(page.getByTestId('glance-archived')).toHaveText('0 %');
      await expect(page.getByText('No destination yet')).toBeVisible();
      await expect(page.getByTestId('cost-total')).toHaveText('$0.00');
    });

    await test.step('archive a folder to a USB folder: the coverage bar moves live', async () => {
      await api<{ id: number }>(page, 'POST', '/api/destinations', { name: 'usb', url: usbDir });
      await api<{ id: number }>(page, 'POST', '/api/destinations', {
        name: 'offsite',
        url: `s3://${BUCKET}/nas`,
        storageClass: 'DEEP_ARCHIVE',
        region: 'us-east-1',
        endpoint: moto!.endpoint,
      });
      await page.reload();
      await expect(meter(`${LABEL} in usb`)).toHaveAttribute('aria-valuenow', '0');
      const job = await api<{ id: number }>(page, 'POST', '/api/archives', {
        destination: 'usb',
        root: LABEL,
        path: 'Trip',
      });
      await jobDone(page, job.id);
      const percent = Math.floor((trip / total) * 100);
      await expect(meter(`${LABEL} in usb`)).toHaveAttribute(
        'aria-valuetext',
        new RegExp(`^${percent} %: 2 of 3 files, .* archived; 1 not yet$`),
      );
      await expect(meter(`${LABEL} in offsite`)).toHaveAttribute('aria-valuenow', '0');
      await expect(meter('All roots in usb')).toHaveAttribute('aria-valuenow', String(percent));
      await expect(page.getByTestId('glance-archived')).toHaveText(`${percent} %`);
      // A folder costs nothing a month: no chart yet.
      await expect(page.getByTestId('cost-chart')).toHaveCount(0);
    });

    await test.step('archive everything to both: full bars, and S3’s cost by class', async () => {
      for (const destination of ['usb', 'offsite']) {
        const job = await api<{ id: number }>(page, 'POST', '/api/archives', {
          destination,
          root: LABEL,
          path: '',
        });
        await jobDone(page, job.id);
      }
      for (const destination of ['usb', 'offsite']) {
        await expect(meter(`${LABEL} in ${destination}`)).toHaveAttribute(
          'aria-valuetext',
          /^100 %: 3 of 3 files, .* archived$/,
        );
      }
      await expect(page.getByTestId('glance-archived')).toHaveText('100 %');
      const costs = page.getByRole('table', { name: 'Cost a month by storage class' });
      const row = costs.getByRole('row', { name: /Glacier Deep Archive/ });
      await expect(row).toContainText('3');
      // The chart (loaded on demand) and the figures agree with the API.
      await expect(page.getByTestId('cost-chart')).toBeVisible();
      const overview = (await (await page.request.get('/api/overview')).json()) as {
        totals: { costPerMonth: number };
        costByClass: { storageClass: string; objects: number }[];
      };
      expect(overview.costByClass).toEqual([
        expect.objectContaining({ storageClass: 'DEEP_ARCHIVE', objects: 3 }),
      ]);
      expect(overview.totals.costPerMonth).toBeGreaterThan(0);
      // A few MB in Deep Archive cost a fraction of a cent: shown as such, not as $0.00.
      await expect(page.getByTestId('cost-total')).toHaveText('< $0.0001');
      await expect(page.getByTestId('cost-chart')).toHaveAttribute(
        'aria-label',
        'Cost a month by storage class: Glacier Deep Archive < $0.0001',
      );
      await expect(
        page.getByRole('listitem', { name: 'Destination usb' }).getByTestId('destination-cost'),
      ).toHaveText('no storage charge');
      await expectNoHorizontalOverflow(page);
      await shots('dashboard');
    });

    await test.step('change the upload limit in Settings: refused, then kept after a reload', async () => {
      await navigate(page, 'Settings');
      const form = page.getByRole('form', { name: 'Transfer settings' });
      await expect(page.getByTestId('data-dir')).not.toHaveText('…');
      await form.getByLabel('Limit uploads').check();
      const limit = form.getByLabel('Upload limit (KiB/s)');
      await limit.fill('20000000');
      await form.getByRole('button', { name: 'Save transfer settings' }).click();
      await expect(form.getByRole('alert')).toHaveText(
        'Invalid request: uploadLimitKiBps: at most 10000000 KiB/s',
      );
      await limit.fill('2048');
      await expect(form).toContainText('2,048 KiB/s');
      await form.getByRole('button', { name: 'Save transfer settings' }).click();
      await expect(form.getByRole('status')).toHaveText(
        'Saved. The upload limit applies now; the files at once from each archive’s next start.',
      );
      await page.reload();
      await expect(
        page.getByRole('form', { name: 'Transfer settings' }).getByLabel('Upload limit (KiB/s)'),
      ).toHaveValue('2048');
      const settings = (await (await page.request.get('/api/settings')).json()) as {
        uploadLimitKiBps: { value: number; overridden: boolean };
        archiveFileConcurrency: { overridden: boolean };
      };
      expect(settings.uploadLimitKiBps).toMatchObject({ value: 2048, overridden: true });
      // Only what was changed is saved: the rest keeps following the configuration.
      expect(settings.archiveFileConcurrency.overridden).toBe(false);
      // The roots are listed here too, with their state.
      await expect(
        page.getByRole('listitem', { name: `Root ${LABEL}` }).getByText('online'),
      ).toBeVisible();
      // Each destination says when the catalog was last copied there (after its archive).
      for (const destination of ['usb', 'offsite']) {
        await expect(
          page
            .getByRole('listitem', { name: `Destination ${destination}` })
            .getByTestId('catalog-snapshot'),
        ).toHaveText(/^Catalog copied there (just now|\d+ minutes? ago)$/);
      }
      const offsite = (await (await page.request.get('/api/destinations')).json()) as {
        destinations: { name: string; catalogSnapshot: { key: string } | null }[];
      };
      const key = offsite.destinations.find((d) => d.name === 'offsite')!.catalogSnapshot!.key;
      expect(key).toMatch(/^\.glacier-archiver\/catalog\/catalog-.*\.sqlite\.gz$/);
      expect(await moto!.objects(BUCKET, `nas/${key}`)).toHaveLength(1);
      await expectNoHorizontalOverflow(page);
      await shots('settings');
    });

    await test.step('restores: each with its state, expiry, objects and a download', async () => {
      // Thawed from Deep Archive (moto restores at once), not downloaded: ready in the browser.
      const thaw = await api<{ id: number }>(page, 'POST', '/api/restores', {
        destination: 'offsite',
        root: LABEL,
        path: 'Trip',
        tier: 'bulk',
        days: 3,
      });
      // From the USB folder to a download folder on the NAS.
      const back = await api<{ id: number }>(page, 'POST', '/api/restores', {
        destination: 'usb',
        root: LABEL,
        path: 'Home',
        to: downloadDir,
      });
      await navigate(page, 'Restores');
      await expect(page.getByRole('heading', { level: 1, name: 'Restores' })).toBeVisible();
      const list = page.getByRole('list', { name: 'Restores' });
      const thawCard = list.getByRole('listitem', {
        name: `Restore of ${LABEL}/Trip from offsite, job ${thaw.id}`,
      });
      const backCard = list.getByRole('listitem', {
        name: `Restore of ${LABEL}/Home from usb, job ${back.id}`,
      });
      // Both finish on their own (the server first: a hang there is not the page's fault)...
      for (const job of [thaw, back]) {
        await expect
          .poll(
            async () => {
              const r = (await (await page.request.get(`/api/restores/${job.id}`)).json()) as {
                jobState: string;
                items: { path: string; state: string }[];
              };
              return `${r.jobState}: ${r.items.map((i) => `${i.path} ${i.state}`).join(', ')}`;
            },
            { timeout: 60_000, message: `restore job ${job.id} ends` },
          )
          .toMatch(/^done: /);
      }
      // ...and the page follows them live.
      await expect(thawCard.getByTestId('restore-status')).toHaveText('ready', { timeout: 20_000 });
      await expect(backCard.getByTestId('restore-status')).toHaveText('done', { timeout: 20_000 });
      await expect(thawCard.locator('[data-item-state="available"]')).toHaveText('2 ready');
      await expect(thawCard.getByTestId('restore-expiry')).toBeVisible();
      await expect(backCard.locator('[data-item-state="downloaded"]')).toHaveText('1 downloaded');
      expect(await sha256(path.join(downloadDir, LABEL, 'Home/clip.mp4'))).toBe(
        await sha256(path.join(mediaDir, 'Home/clip.mp4')),
      );

      await thawCard.getByText('Objects (2)').click();
      // Objects are named as they go to a download folder: root label, then the path.
      const object = thawCard.locator(`[data-object="${LABEL}/Trip/gopro.jpg"]`);
      await expect(object).toContainText('ready');
      const downloading = page.waitForEvent('download');
      await object.getByRole('link', { name: `Download ${LABEL}/Trip/gopro.jpg` }).click();
      const download = await downloading;
      const saved = path.join(downloadDir, 'browser-gopro.jpg');
      await download.saveAs(saved);
      expect(await sha256(saved)).toBe(await sha256(path.join(mediaDir, 'Trip/gopro.jpg')));

      await navigate(page, 'Home');
      await expect(page.getByTestId('glance-restores')).toHaveText('2 ready');
      await navigate(page, 'Restores');
      await thawCard.getByText('Objects (2)').click();
      await expect(thawCard.locator('[data-object]')).toHaveCount(2);
      await expectNoHorizontalOverflow(page);
      await shots('restores');
    });
  });
});
