import type { Locator, Page } from '@playwright/test';
import { copyFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, jobDone, sha256, signIn } from '../support/api';
import { expect, expectNoHorizontalOverflow, test } from '../support/fixtures';
import { repoRoot } from '../support/server';
import { longPress as pressLong } from '../support/touch';

// The explorer (issue 6): folder tree (drill-down on the phone), multi-select by mouse,
// keyboard and long press, archiving a selection to S3 (moto), a restore with each tier's
// price, and a browser download of the restored file, byte for byte. Its own server and moto;
// restores are checked every 200 ms (moto thaws at once).
test.use({
  serverName: 'explorer',
  withS3: true,
  serverEnv: { GLACIER_RESTORE_POLL_MS: '200,1000' },
});

const LABEL = 'Holiday';
const OFFLINE = 'Attic';
const BUCKET = 'e2e-explorer';
const samples = process.env.GLACIER_SAMPLES ?? path.resolve(repoRoot, '../shared/media-samples');
const PHOTOS = ['mei_Apple_iPhone_4.jpg', 'pp_GoPro_HD2.jpg', 'ia_orientation_portrait_6.jpg'];
/** Files of the long folder: enough for ranges, few enough to read. */
const MANY = 30;
const note = (i: number) => `note-${String(i).padStart(2, '0')}.txt`;

const fileEntry = (page: Page, name: string) => page.locator(`[data-file="${name}"]`);
const selectionBar = (page: Page) => page.getByRole('region', { name: 'Selection' });

/** A long press on a phone: the finger rests until the selection bar shows. */
const longPress = (page: Page, target: Locator) => pressLong(page, target, selectionBar(page));

test.describe.serial('explorer', () => {
  let mediaDir = '';
  let atticDir = '';

  test.beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-explorer-'));
    const write = async (rel: string, content: string | Buffer) => {
      await mkdir(path.dirname(path.join(mediaDir, rel)), { recursive: true });
      await writeFile(path.join(mediaDir, rel), content);
    };
    for (let i = 0; i < MANY; i++) await write(`Notes/${note(i)}`, `note ${i}\n`.repeat(i + 1));
    for (const name of PHOTOS) {
      await mkdir(path.join(mediaDir, 'Trip', 'Day1'), { recursive: true });
      await copyFile(path.join(samples, 'jpeg', name), path.join(mediaDir, 'Trip', 'Day1', name));
    }
    await write('Trip/Day2/Morning/coffee.txt', 'espresso\n');
    await write('Trip/Day2/route.txt', 'Kyoto → Nara\n');
    await write('readme.txt', 'the top\n');
    atticDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-attic-'));
    await mkdir(path.join(atticDir, 'Old'));
    await writeFile(path.join(atticDir, 'Old', 'letter.txt'), 'dear …\n');
  });

  test.afterAll(async () => {
    for (const dir of [mediaDir, atticDir, `${atticDir}-unplugged`]) {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });

  test.beforeEach(async ({ page, moto }) => {
    await signIn(page);
    // Once per server: the roots (one of them unplugged after its scan) and the S3 destination.
    const roots = await api<{ roots: { label: string }[] }>(page, 'GET', '/api/roots');
    if (roots.roots.length > 0) return;
    for (const [label, dir] of [
      [LABEL, mediaDir],
      [OFFLINE, atticDir],
    ] as const) {
      await api(page, 'POST', '/api/roots', { path: dir, label });
      const job = await api<{ id: number }>(page, 'POST', '/api/scans', { root: label });
      await jobDone(page, job.id);
    }
    await rename(atticDir, `${atticDir}-unplugged`);
    await moto!.createBucket(BUCKET);
    await api(page, 'POST', '/api/destinations', {
      name: 'offsite',
      url: `s3://${BUCKET}/nas`,
      storageClass: 'DEEP_ARCHIVE',
      region: 'us-east-1',
      endpoint: moto!.endpoint,
    });
  });

  test('the folder tree: roots (offline too), folders opened lazily, keyboard', async ({
    page,
    screenshotAs,
  }, testInfo) => {
    const phone = testInfo.project.name === 'phone';
    await page.goto(`/browse/?root=${LABEL}`);
    await expect(page.getByRole('heading', { level: 1, name: LABEL })).toBeVisible();

    if (!phone) {
      const tree = page.getByRole('tree', { name: 'Folders' });
      const item = (name: string) => tree.getByRole('treeitem', { name, exact: true });
      await expect(item(LABEL)).toHaveAttribute('aria-selected', 'true');
      await expect(item(LABEL)).toHaveAttribute('aria-expanded', 'true');
      await expect(item(`${OFFLINE} (offline)`)).toHaveAttribute('aria-expanded', 'false');
      await expect(item(`${OFFLINE} (offline)`)).toContainText('offline');
      // Each level comes from GET /api/roots/:label/folders as it opens.
      await expect(item('Trip')).toHaveAttribute('aria-expanded', 'false');
      await expect(item('Day1')).toHaveCount(0);

      // The keyboard: the current folder is the Tab stop; Down, Right opens, Right again goes in.
      await item(LABEL).focus();
      await page.keyboard.press('ArrowDown');
      await expect(item('Notes')).toBeFocused();
      await page.keyboard.press('ArrowDown');
      await expect(item('Trip')).toBeFocused();
      const opened = page.waitForResponse((r) =>
        r.url().includes(`/api/roots/${LABEL}/folders?path=Trip`),
      );
      await page.keyboard.press('ArrowRight');
      await opened;
      await expect(item('Trip')).toHaveAttribute('aria-expanded', 'true');
      await expect(item('Day1')).toBeVisible();
      await expect(item('Day2')).toHaveAttribute('aria-level', '3');
      await page.keyboard.press('ArrowRight');
      await expect(item('Day1')).toBeFocused();
      // Enter opens the folder; the tree follows.
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/[?&]path=Trip%2FDay1(&|$)/);
      await expect(page.getByRole('heading', { level: 1, name: 'Day1' })).toBeVisible();
      await expect(item('Day1')).toHaveAttribute('aria-selected', 'true');
      await expect(item(LABEL)).toHaveAttribute('aria-selected', 'false');
      // Left goes up to the parent, then closes it.
      await item('Day1').focus();
      await page.keyboard.press('ArrowLeft');
      await expect(item('Trip')).toBeFocused();
      await page.keyboard.press('ArrowLeft');
      await expect(item('Trip')).toHaveAttribute('aria-expanded', 'false');
      await expect(item('Day1')).toHaveCount(0);
      // Roots come by name: Home goes to the first, the unplugged one.
      await page.keyboard.press('Home');
      await expect(item(`${OFFLINE} (offline)`)).toBeFocused();
      await page.keyboard.press('End');
      await expect(item('Trip')).toBeFocused();
      await page.keyboard.press('Home');
      await screenshotAs('explorer-tree', { fullPage: false });
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshotAs('explorer-tree-dark', { fullPage: false });
      await page.emulateMedia({ colorScheme: 'light' });
      // A click opens a folder of the unplugged root, browsable from the catalog.
      await page.keyboard.press('ArrowRight');
      await item('Old').click();
      await expect(page).toHaveURL(new RegExp(`root=${OFFLINE}&path=Old`));
      await expect(page.getByText('Offline — showing the catalog.')).toBeVisible();
      await expect(fileEntry(page, 'letter.txt')).toBeVisible();
    } else {
      // On a phone the tree is a sheet that drills down a level at a time.
      await expect(page.getByRole('tree')).toHaveCount(0);
      await page.getByRole('button', { name: 'Folders', exact: true }).click();
      const sheet = page.getByRole('dialog', { name: LABEL });
      await expect(sheet).toBeVisible();
      await sheet.getByRole('button', { name: 'Folders in Trip' }).click();
      const trip = page.getByRole('dialog', { name: 'Trip' });
      await expect(trip.getByRole('link', { name: 'Day2' })).toBeVisible();
      await screenshotAs('explorer-drill', { fullPage: false });
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshotAs('explorer-drill-dark', { fullPage: false });
      await page.emulateMedia({ colorScheme: 'light' });
      // Up to the roots: the unplugged one is there, marked.
      await trip.getByRole('button', { name: 'Up one level' }).click();
      await page
        .getByRole('dialog', { name: LABEL })
        .getByRole('button', { name: 'Up one level' })
        .click();
      const roots = page.getByRole('dialog', { name: 'Roots' });
      await expect(roots.getByRole('link', { name: new RegExp(`^${OFFLINE}`) })).toContainText(
        'offline',
      );
      await roots.getByRole('button', { name: `Folders in ${LABEL}` }).click();
      await page
        .getByRole('dialog', { name: LABEL })
        .getByRole('button', { name: 'Folders in Trip' })
        .click();
      await page.getByRole('dialog', { name: 'Trip' }).getByRole('link', { name: 'Day1' }).tap();
      await expect(page).toHaveURL(/[?&]path=Trip%2FDay1(&|$)/);
      await expect(page.getByRole('heading', { level: 1, name: 'Day1' })).toBeVisible();
      await expect(page.getByRole('dialog')).toHaveCount(0);
    }
    await expectNoHorizontalOverflow(page);
  });

  test('multi-select: clicks with shift and ctrl, the keyboard, a long press', async ({
    page,
    screenshotAs,
  }, testInfo) => {
    const phone = testInfo.project.name === 'phone';
    await page.goto(`/browse/?root=${LABEL}&path=Notes`);
    await expect(page.locator('[data-file]').first()).toBeVisible();
    const box = (i: number) =>
      page.getByRole('checkbox', { name: `Select ${note(i)}`, exact: true });
    const count = selectionBar(page).locator('.selection-count');

    if (!phone) {
      // A checkbox, then shift-click on a name five rows down: the range between.
      await box(2).click();
      await expect(count).toHaveText('1 file selected');
      await page
        .getByRole('button', { name: note(6), exact: true })
        .click({ modifiers: ['Shift'] });
      await expect(count).toHaveText('5 files selected');
      for (const i of [2, 3, 4, 5, 6]) await expect(box(i)).toBeChecked();
      await expect(box(1)).not.toBeChecked();
      await expect(box(7)).not.toBeChecked();
      // Ctrl-click adds one more without opening it; a plain click still opens a file.
      await page
        .getByRole('button', { name: note(10), exact: true })
        .click({ modifiers: ['Control'] });
      await expect(count).toHaveText('6 files selected');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      // The keyboard: Space toggles the focused row (and does not open it), Shift+Down extends.
      await page.getByRole('button', { name: note(0), exact: true }).focus();
      await page.keyboard.press('Space');
      await expect(box(0)).toBeChecked();
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await page.keyboard.press('Shift+ArrowDown');
      await expect(page.getByRole('button', { name: note(1), exact: true })).toBeFocused();
      await expect(box(1)).toBeChecked();
      await expect(count).toHaveText('8 files selected');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await expect(page.getByRole('button', { name: note(3), exact: true })).toBeFocused();
      await page.keyboard.press('Space');
      await expect(box(3)).not.toBeChecked();
      await expect(count).toHaveText('7 files selected');
      await screenshotAs('explorer-selection', { fullPage: false });
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshotAs('explorer-selection-dark', { fullPage: false });
      await page.emulateMedia({ colorScheme: 'light' });
      // Ctrl+A: every file of the folder; Escape: none.
      await page.keyboard.press('Control+a');
      await expect(count).toHaveText(`${MANY} files selected (all)`);
      await page.keyboard.press('Escape');
      await expect(selectionBar(page)).toHaveCount(0);
      // The grid selects the same way.
      await page
        .getByRole('group', { name: 'Layout' })
        .getByRole('button', { name: 'Grid' })
        .click();
      const tile = (i: number) => fileEntry(page, note(i)).locator('.grid-tile');
      await tile(4).click();
      await expect(page.getByRole('dialog', { name: note(4) })).toBeVisible();
      await page.keyboard.press('Escape');
      await tile(1).click({ modifiers: ['Control'] });
      await tile(3).click({ modifiers: ['Shift'] });
      await expect(count).toHaveText('3 files selected');
      await tile(3).focus();
      await page.keyboard.press('Shift+ArrowDown');
      const columns = await page.locator('.grid-row').first().locator('[role="listitem"]').count();
      await expect(count).toHaveText(`${3 + columns} files selected`);
      await page.getByRole('button', { name: 'Clear the selection' }).click();
      await expect(selectionBar(page)).toHaveCount(0);
    } else {
      // A long press starts selecting; then a tap adds or removes (and opens nothing).
      const card = (i: number) => fileEntry(page, note(i)).locator('.file-card');
      await longPress(page, card(2));
      await expect(count).toHaveText('1 file selected');
      await expect(box(2)).toBeChecked();
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await card(4).tap();
      await card(5).tap();
      await expect(count).toHaveText('3 files selected');
      await card(4).tap();
      await expect(count).toHaveText('2 files selected');
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await screenshotAs('explorer-selection', { fullPage: false });
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshotAs('explorer-selection-dark', { fullPage: false });
      await page.emulateMedia({ colorScheme: 'light' });
      await selectionBar(page).getByRole('button', { name: 'Clear the selection' }).tap();
      await expect(selectionBar(page)).toHaveCount(0);
      // Without a selection a tap opens the file again.
      await card(4).tap();
      await expect(page.getByRole('dialog', { name: note(4) })).toBeVisible();
      await page.getByRole('button', { name: 'Close details' }).tap();
    }
    await expectNoHorizontalOverflow(page);
  });

  test('archive a selection to S3, restore it with the tiers’ prices, download it', async ({
    page,
    moto,
    screenshotAs,
  }, testInfo) => {
    test.setTimeout(240_000);
    const phone = testInfo.project.name === 'phone';
    const tap = async (locator: ReturnType<Page['locator']>) =>
      phone ? locator.tap() : locator.click();
    await page.goto(`/browse/?root=${LABEL}&path=Trip%2FDay1`);
    await expect(page.getByRole('heading', { level: 1, name: 'Day1' })).toBeVisible();
    await expect(page.locator('[data-file]')).toHaveCount(PHOTOS.length);

    // Select all three photos, then leave one out: only the two picked are archived.
    if (phone) {
      await longPress(page, fileEntry(page, PHOTOS[0]!).locator('.file-card'));
      for (const name of PHOTOS.slice(1)) await fileEntry(page, name).locator('.file-card').tap();
    } else {
      await page.locator('[data-file] .file-name').first().focus();
      await page.keyboard.press('Control+a');
    }
    const bar = selectionBar(page);
    await expect(bar.locator('.selection-count')).toHaveText('3 files selected (all)');
    // Nothing archived yet: nothing to restore or download.
    await expect(bar.getByRole('button', { name: 'Restore…' })).toBeDisabled();
    await expect(bar.getByRole('button', { name: 'Download' })).toBeDisabled();
    const [picked, left] = [PHOTOS.slice(0, 2), PHOTOS[2]!];
    if (phone) await fileEntry(page, left).locator('.file-card').tap();
    else await page.getByRole('checkbox', { name: `Select ${left}` }).uncheck();
    await expect(bar.locator('.selection-count')).toHaveText('2 files selected');

    await tap(bar.getByRole('button', { name: 'Archive to…' }));
    const archive = page.getByRole('dialog', { name: 'Archive 2 selected files' });
    await expect(archive.getByTestId('archive-selection')).toContainText(
      `Only the 2 selected files of ${LABEL}/Trip/Day1`,
    );
    await expect(archive.getByTestId('plan-files')).toContainText('2 files', { timeout: 30_000 });
    const started = page.waitForResponse(
      (r) => r.url().endsWith('/api/archives') && r.request().method() === 'POST',
    );
    await tap(archive.getByRole('button', { name: 'Archive 2 selected files to offsite' }));
    const response = await started;
    expect((response.request().postDataJSON() as { fileIds: number[] }).fileIds).toHaveLength(2);
    const job = (await response.json()) as { id: number };
    await jobDone(page, job.id);
    await tap(archive.getByRole('button', { name: 'Done' }));
    for (const name of picked) {
      await expect(fileEntry(page, name).locator('[data-tag="archived-offsite"]')).toBeVisible();
    }
    // The sibling left out of the selection was not sent.
    await expect(fileEntry(page, left).locator('[data-tag="archived-offsite"]')).toHaveCount(0);
    const objects = await moto!.objects(BUCKET, `nas/${LABEL}/Trip/Day1/`);
    expect(objects.map((o) => o.key).sort()).toEqual(
      picked.map((name) => `nas/${LABEL}/Trip/Day1/${name}`).sort(),
    );
    expect(objects.map((o) => o.storageClass)).toEqual(picked.map(() => 'DEEP_ARCHIVE'));

    // Restore one of them: still selected? Start over with the iPhone photo alone.
    await tap(bar.getByRole('button', { name: 'Clear the selection' }));
    const iphone = PHOTOS[0]!;
    if (phone) {
      await longPress(page, fileEntry(page, iphone).locator('.file-card'));
    } else {
      await page.getByRole('checkbox', { name: `Select ${iphone}` }).check();
    }
    await expect(bar.locator('.selection-count')).toHaveText('1 file selected');
    // In Deep Archive: not readable until restored.
    await expect(bar.getByRole('button', { name: 'Download' })).toBeDisabled();
    const quoted = page.waitForResponse((r) => r.url().endsWith('/api/restores/quote'));
    await tap(bar.getByRole('button', { name: 'Restore…' }));
    const dialog = page.getByRole('dialog', { name: 'Restore 1 file' });
    const quote = (await (await quoted).json()) as {
      objects: number;
      quote: {
        pricesAsOf: string;
        tiers: { tier: string; available: boolean; total: number; wait: { text: string } | null }[];
      };
    };
    expect(quote.objects).toBe(1);
    expect(quote.quote.tiers.map((t) => [t.tier, t.available])).toEqual([
      ['Bulk', true],
      ['Standard', true],
      ['Expedited', false],
    ]);
    await expect(dialog.getByTestId('restore-to-thaw')).toContainText('1 file');
    await expect(dialog.getByTestId('restore-to-thaw')).toContainText('Glacier Deep Archive');
    for (const tier of quote.quote.tiers.filter((t) => t.available)) {
      const row = dialog.getByTestId(`tier-${tier.tier.toLowerCase()}`);
      await expect(row.getByTestId('tier-price')).toHaveText(/\$\d/);
      await expect(row.getByTestId('tier-wait')).toContainText(`ready ${tier.wait!.text}`);
    }
    const expedited = dialog.getByTestId('tier-expedited');
    await expect(expedited.getByRole('radio')).toBeDisabled();
    await expect(expedited.getByTestId('tier-unavailable')).toContainText(/Deep Archive/i);
    await expect(dialog.getByTestId('restore-prices')).toContainText(quote.quote.pricesAsOf);
    await tap(dialog.getByTestId('tier-standard').getByRole('radio'));
    await screenshotAs('explorer-restore-quote', { fullPage: false });
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshotAs('explorer-restore-quote-dark', { fullPage: false });
    await page.emulateMedia({ colorScheme: 'light' });
    const requested = page.waitForResponse(
      (r) => r.url().endsWith('/api/restores') && r.request().method() === 'POST',
    );
    await tap(dialog.getByRole('button', { name: 'Restore (Standard)' }));
    const restore = await requested;
    expect(restore.status()).toBe(202);
    expect(restore.request().postDataJSON()).toMatchObject({ tier: 'standard', days: 7 });
    await expect(dialog.getByRole('status')).toContainText('Restore requested');
    await expect(dialog.getByRole('link', { name: 'Follow it in Restores' })).toHaveAttribute(
      'href',
      '/restores/',
    );
    await tap(dialog.getByRole('button', { name: 'Done' }));

    // moto thaws at once; the job sees it and the tag says until when it stays readable.
    const restored = fileEntry(page, iphone).locator('[data-tag="restore-offsite"]');
    await expect(restored).toContainText('restored: offsite', { timeout: 60_000 });
    await expect(restored).toContainText('left');
    await screenshotAs('explorer-restored', { fullPage: false });

    // Download: the browser gets the file, byte for byte.
    const download = bar.getByRole('button', { name: 'Download' });
    await expect(download).toBeEnabled();
    const [file] = await Promise.all([page.waitForEvent('download'), tap(download)]);
    expect(file.suggestedFilename()).toBe(iphone);
    const saved = await file.path();
    expect(await sha256(saved)).toBe(await sha256(path.join(mediaDir, 'Trip', 'Day1', iphone)));
    await expect(bar.getByRole('status')).toContainText('Downloading 1 file');
    await expectNoHorizontalOverflow(page);

    // Running the restore again is quoted first, as a new restore is; nothing is asked before
    // the dialog's button.
    const { id: restoreId } = (await restore.json()) as { id: number };
    await jobDone(page, restoreId);
    const retries: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/api/jobs/${restoreId}/retry`)) {
        retries.push(r.url());
      }
    });
    await page.goto('/jobs/');
    const card = page.getByRole('listitem', { name: new RegExp(`job ${restoreId}$`) });
    await tap(card.getByRole('button', { name: `Run again job ${restoreId}` }));
    const again = page.getByRole('dialog', { name: `Run again: restore job #${restoreId}` });
    // Still readable from the first run: nothing to thaw again, nothing billed again.
    await expect(again.getByTestId('restore-to-thaw')).toContainText('0 files');
    await expect(again.getByTestId('restore-readable')).toContainText(
      '1 file restored earlier, not expired',
    );
    await expect(again.getByText('Nothing needs thawing')).toBeVisible();
    await screenshotAs('retry-restore-quote', { fullPage: false });
    expect(retries).toEqual([]);
    await tap(again.getByRole('button', { name: 'Start again' }));
    await expect(again.getByRole('status')).toContainText(/Started again as job #\d+/);
    expect(retries).toHaveLength(1);
    await tap(again.getByRole('button', { name: 'Done' }));
  });
});
