import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { addDestination } from '../src/archive/destinations.js';
import { JobReporter } from '../src/jobs/reporter.js';
import { insertJob } from '../src/jobs/store.js';
import type { Destination, ListEntry } from '../src/storage/destination.js';
import { FolderDestination } from '../src/storage/folder.js';
import { DEFAULT_RESTORE_SETTINGS } from '../src/restore/settings.js';
import { insertItems, itemsOf } from '../src/restore/store.js';
import type { RestoreParams } from '../src/restore/params.js';
import { checkDue, commonFolder } from '../src/restore/watch-phase.js';
import { createTestEnv } from './helpers/context.js';
import { loadConfig } from '../src/config.js';
import { expectedWait, quoteRestore } from '../src/cost/restore-quote.js';
import { VerificationFailedError } from '../src/errors.js';
import { fromRestore } from '../src/restore/object-state.js';
import { checkWebhook, parseDays, parseTier } from '../src/restore/params.js';
import { keyInScope } from '../src/restore/plan.js';
import {
  attachmentDisposition,
  prepareParent,
  targetPath,
  unsafeReason,
} from '../src/restore/safe-path.js';
import { DEFAULT_POLL_SCHEDULE, nextCheckDelay, restoreSettings } from '../src/restore/settings.js';
import { holdUntilVerified } from '../src/restore/stream.js';

const GiB = 1024 ** 3;
const tmp = mkdtempSync(path.join(tmpdir(), 'glacier-restore-units-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('restore quote', () => {
  it('prices each tier of Deep Archive, which has no Expedited tier', () => {
    const objects = Array.from({ length: 1000 }, () => ({
      size: (10 * GiB) / 1000,
      storageClass: 'DEEP_ARCHIVE',
    }));
    const quote = quoteRestore(objects, { region: 'us-east-1', days: 7 });
    const tiers = Object.fromEntries(quote.tiers.map((t) => [t.tier, t]));
    expect(quote.toRestore).toMatchObject({ objects: 1000, byClass: { DEEP_ARCHIVE: 1000 } });
    // 10 GB at $0.0025 + 1,000 requests at $0.025/1000; 10 GB at the Standard rate for 7 + 1 days.
    expect(tiers.Bulk).toMatchObject({
      available: true,
      retrievalCost: 0.025,
      requestsCost: 0.025,
      restoredStorageCost: 0.0613,
      total: 0.1113,
      wait: { text: 'within 48 hours' },
    });
    expect(tiers.Standard).toMatchObject({
      available: true,
      retrievalCost: 0.2,
      requestsCost: 0.1,
      wait: { maxMinutes: 720 },
    });
    expect(tiers.Expedited).toMatchObject({ available: false, total: 0, wait: null });
    expect(tiers.Expedited!.unavailableReason).toMatch(/Deep Archive cannot .* Expedited/);
    // Under the free 100 GB of transfer out a month: nothing, and the price without it.
    expect(quote.transferOut).toMatchObject({ cost: 0, costWithoutFreeTier: 0.9 });
  });

  it('offers Expedited for GLACIER, and the slowest class sets the wait of a mix', () => {
    const glacier = quoteRestore([{ size: GiB, storageClass: 'GLACIER' }], {
      region: 'eu-west-1',
      days: 1,
    });
    const byTier = Object.fromEntries(glacier.tiers.map((t) => [t.tier, t]));
    expect(byTier.Expedited).toMatchObject({ available: true, wait: { text: '1–5 minutes' } });
    expect(byTier.Standard!.wait!.text).toBe('3–5 hours');
    expect(byTier.Bulk).toMatchObject({ retrievalCost: 0, wait: { text: '5–12 hours' } });
    const mixed = quoteRestore(
      [
        { size: GiB, storageClass: 'GLACIER' },
        { size: GiB, storageClass: 'DEEP_ARCHIVE' },
      ],
      { region: 'us-east-1', days: 3 },
    );
    const standard = mixed.tiers.find((t) => t.tier === 'Standard')!;
    expect(standard.wait!.text).toBe('within 12 hours');
    expect(mixed.tiers.find((t) => t.tier === 'Expedited')!.available).toBe(false);
  });

  it('needs no restore for GLACIER_IR (a read fee only) nor for a folder', () => {
    const instant = quoteRestore([{ size: 2 * GiB, storageClass: 'GLACIER_IR' }], {
      region: 'us-east-1',
      days: 7,
    });
    expect(instant.tiers).toEqual([]);
    expect(instant.readable).toMatchObject({ objects: 1, retrievalCost: 0.06 });
    const folder = quoteRestore([{ size: 2 * GiB, storageClass: 'LOCAL' }], {
      region: null,
      days: 7,
    });
    expect(folder).toMatchObject({
      region: 'local',
      tiers: [],
      transferOut: { cost: 0 },
      readable: { retrievalCost: 0 },
    });
  });

  it('charges transfer out beyond the free allowance, and says when prices are estimated', () => {
    const quote = quoteRestore([{ size: 150 * GiB, storageClass: 'GLACIER' }], {
      region: 'ap-south-1',
      days: 1,
    });
    expect(quote).toMatchObject({ estimated: true, region: 'us-east-1' });
    expect(quote.transferOut.cost).toBe(4.5);
    expect(expectedWait('DEEP_ARCHIVE', 'Expedited')).toBeUndefined();
  });
});

describe('download paths', () => {
  it('refuses keys that could leave the folder or trouble the file system, and says why', () => {
    expect(unsafeReason('photos/Trip/IMG_0001.jpg')).toBeUndefined();
    expect(unsafeReason('odd: "names" <are> fine?.jpg')).toBeUndefined();
    expect(unsafeReason('../evil.txt')).toMatch(/climbs out/);
    expect(unsafeReason('a/../../evil.txt')).toMatch(/climbs out/);
    expect(unsafeReason('/etc/passwd')).toMatch(/absolute/);
    expect(unsafeReason('a//b')).toMatch(/empty/);
    expect(unsafeReason('a/./b')).toMatch(/"\."/);
    expect(unsafeReason('nul\0.txt')).toMatch(/NUL/);
    expect(unsafeReason('bell\u0007.txt')).toMatch(/control character \(U\+0007\)/);
    expect(unsafeReason('..\\..\\evil.txt')).toMatch(/backslash/);
    expect(unsafeReason(`${'x'.repeat(256)}.jpg`)).toMatch(/longer than 255 bytes/);
    expect(() => targetPath(tmp, '../x')).toThrow(/refused "..\/x"/);
    expect(targetPath(tmp, 'a/b.jpg')).toBe(path.join(tmp, 'a', 'b.jpg'));
  });

  it('refuses a symbolic link inside the folder that leads elsewhere', async () => {
    const folder = path.join(tmp, 'dl');
    const outside = path.join(tmp, 'outside');
    mkdirSync(folder);
    mkdirSync(outside);
    symlinkSync(outside, path.join(folder, 'link'));
    await expect(prepareParent(folder, path.join(folder, 'link/x.jpg'))).rejects.toThrow(
      /symbolic link/,
    );
    await expect(prepareParent(folder, path.join(folder, 'new/x.jpg'))).resolves.toBeUndefined();
  });

  it('names downloads safely for browsers', () => {
    expect(attachmentDisposition('photos/Trip/IMG_0001.jpg')).toBe(
      `attachment; filename="IMG_0001.jpg"; filename*=UTF-8''IMG_0001.jpg`,
    );
    expect(attachmentDisposition('a/"Été"; x\\y.jpg')).toBe(
      `attachment; filename="__t___ x_y.jpg"; filename*=UTF-8''%22%C3%89t%C3%A9%22%3B%20x%5Cy.jpg`,
    );
  });

  it('takes a key or a folder of keys, never a sibling with the same start', () => {
    expect(keyInScope('photos/a.jpg', 'photos')).toBe(true);
    expect(keyInScope('photos', 'photos')).toBe(true);
    expect(keyInScope('photos2/a.jpg', 'photos')).toBe(false);
    expect(keyInScope('photos/', 'photos')).toBe(false);
    expect(keyInScope('.glacier-archiver/sheets/x', '')).toBe(false);
    expect(keyInScope('imp/x', 'im')).toBe(false);
    expect(keyInScope('imp/x', 'imp/')).toBe(true);
  });
});

describe('restore pacing', () => {
  it('checks after a minute, then less and less often, up to every 30 minutes', () => {
    const delays = Array.from({ length: 8 }, (_, i) => nextCheckDelay(i, DEFAULT_POLL_SCHEDULE));
    expect(delays.map((ms) => ms / 60_000)).toEqual([1, 2, 4, 8, 16, 30, 30, 30]);
    // Tests shrink it through the configuration (config.ts), as an operator could.
    const config = (env: Record<string, string>) =>
      loadConfig({ GLACIER_CONFIG: '/nonexistent/config.json', ...env });
    const fast = config({ GLACIER_RESTORE_POLL_MS: '20,200' }).restorePoll;
    expect(restoreSettings(fast ? { schedule: fast } : {}).schedule).toEqual({
      firstMs: 20,
      maxMs: 200,
      factor: 2,
    });
    expect(config({}).restorePoll).toBeUndefined();
    expect(restoreSettings().schedule).toEqual(DEFAULT_POLL_SCHEDULE);
    expect(() => config({ GLACIER_RESTORE_POLL_MS: 'soon' })).toThrow(/positive/);
    expect(config({ GLACIER_RESTORE_CHUNK_BYTES: '1024' }).restoreChunkBytes).toBe(1024);
  });

  it('reads an x-amz-restore whose expiry has passed as cold again', () => {
    const now = Date.parse('2025-11-10T00:00:00Z');
    expect(
      fromRestore({ state: 'available', until: new Date('2025-11-09T00:00:00Z') }, now),
    ).toEqual({ state: 'cold', expiredAt: Date.parse('2025-11-09T00:00:00Z') });
    expect(
      fromRestore({ state: 'available', until: new Date('2025-11-11T00:00:00Z') }, now),
    ).toEqual({ state: 'readable', until: Date.parse('2025-11-11T00:00:00Z') });
  });

  it('checks tiers, days and webhooks as typed', () => {
    expect(parseTier('BULK')).toBe('Bulk');
    expect(() => parseTier('fast')).toThrow(/bulk, standard or expedited/);
    expect(() => parseDays(0)).toThrow(/1 to 365/);
    expect(checkWebhook('https://ntfy.sh/topic')).toBe('https://ntfy.sh/topic');
    expect(() => checkWebhook('file:///etc/passwd')).toThrow(/http or https/);
  });
});

describe('a browser download', () => {
  const body = Buffer.from('a photo, streamed to a phone');
  const sha = createHash('sha256').update(body).digest('hex');
  const collect = async (stream: Readable) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('passes verified bytes', async () => {
    const out = Readable.from([body.subarray(0, 10), body.subarray(10)]).pipe(
      holdUntilVerified('x', body.length, sha),
    );
    expect(await collect(out)).toEqual(body);
  });

  it('never delivers the last piece of a corrupted object', async () => {
    const bad = Buffer.from(body);
    bad[3] = bad[3]! ^ 0xff;
    const received: Buffer[] = [];
    const out = Readable.from([bad.subarray(0, 10), bad.subarray(10)]).pipe(
      holdUntilVerified('x', body.length, sha),
    );
    out.on('data', (chunk: Buffer) => received.push(chunk));
    await expect(
      new Promise((resolve, reject) => out.on('end', resolve).on('error', reject)),
    ).rejects.toThrow(VerificationFailedError);
    expect(Buffer.concat(received).length).toBeLessThan(body.length);
  });
});

describe('status checks in bulk', () => {
  /**
   * A destination whose listing reports restore status, as S3 does with
   * OptionalObjectAttributes=RestoreStatus (moto does not): a folder destination with the
   * status added, and a HEAD that counts its calls.
   */
  class ListingWithStatus extends FolderDestination {
    heads = 0;
    constructor(
      base: string,
      private readonly withStatus: boolean,
    ) {
      super(base);
    }
    override async *list(prefix: string): AsyncIterable<ListEntry> {
      for await (const entry of super.list(prefix)) {
        yield this.withStatus
          ? { ...entry, restore: { state: 'available', until: new Date(Date.now() + 86_400_000) } }
          : entry;
      }
    }
    override async head(key: string) {
      this.heads += 1;
      const info = await super.head(key);
      return (
        info && { ...info, storageClass: 'GLACIER', restore: { state: 'in-progress' as const } }
      );
    }
  }

  it('asks one listing where the server reports restore status, HEADs otherwise', async () => {
    const env = createTestEnv();
    try {
      const folder = path.join(env.dir, 'bucket');
      mkdirSync(path.join(folder, 'photos'), { recursive: true });
      const keys = Array.from({ length: 25 }, (_, i) => `photos/IMG_${i}.jpg`);
      for (const key of keys) writeFileSync(path.join(folder, key), key);
      const row = addDestination(env.ctx.catalog, { name: 'b', url: folder });
      const run = (destination: Destination) => {
        const params: RestoreParams = {
          destinationId: row.id,
          destination: 'b',
          scope: { kind: 'keys', prefix: 'photos' },
          tier: 'Bulk',
          days: 1,
          request: true,
          wait: true,
          target: { kind: 'none' },
          overwrite: false,
        };
        const job = insertJob(env.ctx.catalog, 'restore', params);
        insertItems(
          env.ctx.catalog,
          job.id,
          row.id,
          keys.map((key) => ({ key, relPath: key, size: key.length, storageClass: 'GLACIER' })),
        );
        env.ctx.catalog.sqlite
          .prepare(
            "update restore_items set state = 'requested', next_check_at = 0 where job_id = ?",
          )
          .run(job.id);
        const report = new JobReporter(env.ctx.catalog, env.ctx.bus, job.id, 'restore');
        return {
          jobId: job.id,
          run: {
            catalog: env.ctx.catalog,
            settings: DEFAULT_RESTORE_SETTINGS,
            params,
            job: {
              job,
              signal: new AbortController().signal,
              report,
              waitOutsideSlot: <T>(wait: () => Promise<T>) => wait(),
            },
            row,
            destination,
          },
        };
      };
      const listing = new ListingWithStatus(folder, true);
      const first = run(listing);
      await checkDue(first.run, {});
      expect(listing.heads).toBe(0);
      expect(new Set(itemsOf(env.ctx.catalog, first.jobId).map((i) => i.state))).toEqual(
        new Set(['available']),
      );

      const plain = new ListingWithStatus(folder, false);
      const memory = {};
      const second = run(plain);
      await checkDue(second.run, memory);
      expect(memory).toEqual({ listingLacksStatus: true });
      expect(plain.heads).toBe(25);
      expect(new Set(itemsOf(env.ctx.catalog, second.jobId).map((i) => i.state))).toEqual(
        new Set(['in-progress']),
      );
    } finally {
      await env.cleanup();
    }
  });

  it('finds the folder waiting keys share, for one listing instead of many HEADs', () => {
    expect(commonFolder(['a/b/c.jpg', 'a/b/d/e.jpg'])).toBe('a/b/');
    expect(commonFolder(['a/x.jpg', 'b/y.jpg'])).toBe('');
  });
});
