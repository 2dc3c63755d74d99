import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runJob, signIn } from '../support/api';
import { expect, test } from '../support/fixtures';

// Its own server: a history of more finished jobs than the tracker's first page holds.
test.use({ serverName: 'history' });

/** One more than the first page of GET /api/jobs holds (100 finished jobs), and one more. */
const SCANS = 102;

test.describe('the tracker’s history', () => {
  // The history is the same on a phone; one viewport is enough for paging.
  test.skip(({ isMobile }) => isMobile, 'the desktop project runs it once');

  let mediaDir = '';
  test.beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-history-'));
    await writeFile(path.join(mediaDir, 'note.txt'), 'one file');
  });
  test.afterAll(async () => {
    await rm(mediaDir, { recursive: true, force: true });
  });

  test('shows the newest finished jobs, and older ones a page at a time', async ({
    page,
    screenshotAs,
  }) => {
    test.setTimeout(120_000);
    await signIn(page);
    const root = await page.request.post('/api/roots', {
      data: { path: mediaDir, label: 'Notes' },
    });
    expect(root.status()).toBe(201);
    const ids: number[] = [];
    for (let n = 0; n < SCANS; n++) ids.push(await runJob(page, '/api/scans', { root: 'Notes' }));

    await page.goto('/jobs/');
    const finished = page.getByRole('region', { name: 'Finished' });
    await expect(
      finished.getByRole('list', { name: 'Finished jobs' }).getByRole('listitem'),
    ).toHaveCount(100);
    // The oldest two are not on the first page…
    const oldest = (id: number) =>
      page.getByRole('listitem', { name: `Scan of Notes, job ${id}`, exact: true });
    await expect(oldest(ids[0]!)).toHaveCount(0);
    await expect(oldest(ids[1]!)).toHaveCount(0);
    // …and come with the next one, after which nothing older is offered.
    await finished.getByRole('button', { name: 'Show older jobs' }).click();
    const older = finished.getByRole('list', { name: 'Older jobs' });
    await expect(older.getByRole('listitem')).toHaveCount(2);
    await expect(older.getByRole('listitem').first()).toHaveAttribute(
      'aria-label',
      `Scan of Notes, job ${ids[1]}`,
    );
    await expect(oldest(ids[0]!).getByTestId('job-state')).toHaveText('done');
    await expect(oldest(ids[0]!)).toContainText('1 file');
    await expect(finished.getByRole('button', { name: 'Show older jobs' })).toHaveCount(0);
    await screenshotAs('activity-older-jobs', { fullPage: false });
  });
});
