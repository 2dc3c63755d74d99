import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, runJob, signIn } from '../support/api';
import { expect, expectNoHorizontalOverflow, test } from '../support/fixtures';
import { repoRoot } from '../support/server';

// "Check copies" in a file's details: a photo archived to S3 (moto) and to a folder through
// the API, then each copy HEADed from the dialog and shown present and verified. Replication
// states cannot be set in moto: the server test (copies-check.test.ts) covers them.
test.use({ serverName: 'copies', withS3: true });

const LABEL = 'Holiday';
const BUCKET = 'e2e-copies';
const PHOTO = 'mei_Apple_iPhone_4.jpg';
const samples = process.env.GLACIER_SAMPLES ?? path.resolve(repoRoot, '../shared/media-samples');

test.describe('checking the copies of a file', () => {
  let mediaDir = '';
  let usbDir = '';

  test.beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-copies-'));
    usbDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-copies-usb-'));
    await mkdir(path.join(mediaDir, 'Trip'));
    await copyFile(path.join(samples, 'jpeg', PHOTO), path.join(mediaDir, 'Trip', PHOTO));
  });

  test.afterAll(async () => {
    for (const dir of [mediaDir, usbDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a photo archived to S3 and a folder: both copies present and verified', async ({
    page,
    moto,
    screenshotAs,
  }) => {
    await signIn(page);
    await api(page, 'POST', '/api/roots', { path: mediaDir, label: LABEL });
    await runJob(page, '/api/scans', { root: LABEL });
    await moto!.createBucket(BUCKET);
    await api(page, 'POST', '/api/destinations', {
      name: 'offsite',
      url: `s3://${BUCKET}/nas`,
      storageClass: 'DEEP_ARCHIVE',
      region: 'us-east-1',
      endpoint: moto!.endpoint,
    });
    await api(page, 'POST', '/api/destinations', { name: 'usb', url: usbDir });
    for (const destination of ['offsite', 'usb']) {
      await runJob(page, '/api/archives', { destination, root: LABEL, path: 'Trip' });
    }

    await page.goto(`/browse/?root=${LABEL}&path=Trip`);
    await page.getByRole('button', { name: PHOTO }).click();
    const dialog = page.getByRole('dialog', { name: PHOTO });
    await expect(dialog.locator('[data-tag="archived-offsite"]')).toBeVisible();
    await expect(dialog.locator('[data-tag="archived-usb"]')).toBeVisible();

    const check = dialog.getByRole('button', { name: 'Check copies' });
    await check.click();
    const copies = dialog.getByRole('list', { name: 'Copies checked' }).getByRole('listitem');
    await expect(copies).toHaveCount(2);
    await expect(copies.nth(0)).toHaveAttribute('data-status', 'verified');
    await expect(copies.nth(0)).toContainText(
      'offsite (us-east-1): present, verified SHA-256, Glacier Deep Archive',
    );
    await expect(copies.nth(1)).toHaveAttribute('data-status', 'verified');
    await expect(copies.nth(1)).toContainText('usb: present, verified SHA-256');
    await expect(dialog.getByText(/^Checked /)).toBeVisible();
    await copies.nth(1).scrollIntoViewIfNeeded();
    await screenshotAs('copies-checked', { fullPage: false });
    await expectNoHorizontalOverflow(page);
  });
});
