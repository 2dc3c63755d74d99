/**
 * The contract every destination keeps (STYLE.md: one suite, every backend): the same cases
 * run on the folder destination and on the S3 destination against moto over HTTP (through the
 * fault proxy, which here only forwards and counts requests).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, ObjectNotFoundError, SourceChangedError } from '../../src/errors.js';
import type { Destination, MultipartState, PutSource } from '../../src/storage/destination.js';
import { FolderDestination } from '../../src/storage/folder.js';
import { MemoryBudget } from '../../src/storage/memory.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import {
  MOTO_PART_MIN_SIZE,
  MOTO_START_TIMEOUT_MS,
  startMoto,
  type Moto,
} from '../helpers/moto.js';
import { collect, createBucket, makeSource, readAll, s3Destination } from './support.js';

interface Harness {
  dest: Destination;
  /** Part uploads the server received since the last reset, or undefined where there are none to count. */
  partRequests(): number | undefined;
  reset(): Promise<void>;
}

const PART = MOTO_PART_MIN_SIZE;

function folderHarness(): { start(): Promise<Harness>; stop(): Promise<void> } {
  let dir = '';
  return {
    async start() {
      dir = mkdtempSync(path.join(tmpdir(), 'glacier-folder-dest-'));
      return {
        dest: new FolderDestination(dir),
        partRequests: () => undefined,
        reset: async () => {
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir);
        },
      };
    },
    async stop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function s3Harness(): { start(): Promise<Harness>; stop(): Promise<void> } {
  let moto: Moto;
  let proxy: FaultProxy;
  let dest: Destination;
  return {
    async start() {
      moto = await startMoto();
      proxy = await startFaultProxy(moto.endpoint);
      await createBucket(moto.endpoint, 'archive');
      dest = s3Destination(proxy.endpoint, {
        storageClass: 'GLACIER_IR',
        multipartThreshold: 2 * PART,
        partConcurrency: 3,
      });
      return {
        dest,
        partRequests: () =>
          proxy.requests.filter((r) => r.method === 'PUT' && /partNumber=/.test(r.url)).length,
        reset: async () => {
          await moto.reset();
          await createBucket(moto.endpoint, 'archive');
          proxy.clear();
        },
      };
    },
    async stop() {
      dest.close();
      await proxy.stop();
      await moto.stop();
    },
  };
}

describe.each([
  { kind: 'folder', harness: folderHarness() },
  { kind: 's3', harness: s3Harness() },
])('$kind destination contract', ({ kind, harness }) => {
  let h: Harness;
  let work: string;
  beforeAll(async () => {
    h = await harness.start();
  }, MOTO_START_TIMEOUT_MS);
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(async () => {
    await h.reset();
    work = mkdtempSync(path.join(tmpdir(), 'glacier-src-'));
  });
  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('puts, heads, gets (whole and ranged), lists and deletes an object with its metadata', async () => {
    const source = makeSource(work, 'IMG_0001.JPG', 3000);
    const key = 'photos/2024/Ibiza trip/IMG_0001.JPG';
    const result = await h.dest.put(key, source);
    expect(result).toMatchObject({ bytesSent: 3000, checksumVerified: true });
    expect(result.checksum).toEqual({
      algorithm: 'SHA256',
      value: Buffer.from(source.sha256, 'hex').toString('base64'),
    });

    const info = await h.dest.head(key);
    expect(info).toMatchObject({ key, size: 3000, sha256: source.sha256, mtimeMs: source.mtimeMs });
    expect(await readAll(h.dest, key)).toEqual({ sha256: source.sha256, size: 3000 });

    const ranged = await h.dest.get(key, { range: { offset: 1000, length: 500 } });
    expect(ranged).toMatchObject({ length: 500, size: 3000 });
    const bytes = Buffer.concat(await collect<Buffer>(ranged.body));
    expect(bytes.equals(readFileSync(source.path).subarray(1000, 1500))).toBe(true);

    await h.dest.put('photos/2024/other.jpg', makeSource(work, 'other.jpg', 10));
    await h.dest.put('videos/clip.mp4', makeSource(work, 'clip.mp4', 10));
    const listed = await collect(h.dest.list('photos/'));
    expect(listed.map((e) => [e.key, e.size]).sort()).toEqual([
      ['photos/2024/Ibiza trip/IMG_0001.JPG', 3000],
      ['photos/2024/other.jpg', 10],
    ]);
    expect((await collect(h.dest.list('photos/2024/o'))).map((e) => e.key)).toEqual([
      'photos/2024/other.jpg',
    ]);

    await h.dest.delete(key);
    expect(await h.dest.head(key)).toBeNull();
    await h.dest.delete(key);
    await expect(h.dest.get(key)).rejects.toThrow(ObjectNotFoundError);
  });

  it('stores an empty file', async () => {
    const source = makeSource(work, 'empty.txt', Buffer.alloc(0));
    await h.dest.put('docs/empty.txt', source);
    expect(await h.dest.head('docs/empty.txt')).toMatchObject({ size: 0, sha256: source.sha256 });
    expect(await readAll(h.dest, 'docs/empty.txt')).toEqual({ sha256: source.sha256, size: 0 });
  });

  it('sends a large file in parts, reporting each part and the bytes as they go', async () => {
    const source = makeSource(work, 'video.mov', 13 * PART + 100);
    const states: MultipartState[] = [];
    const progress: number[] = [];
    const result = await h.dest.put('videos/video.mov', source, {
      partSize: PART,
      onPartDone: (state) => void states.push(state),
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(result.bytesSent).toBe(source.size);
    expect(states[0]?.parts).toEqual([]);
    expect(states.at(-1)?.parts.map((p) => p.partNumber)).toEqual(
      Array.from({ length: 14 }, (_, i) => i + 1),
    );
    expect(progress.at(-1)).toBe(source.size);
    if (h.partRequests() !== undefined) expect(h.partRequests()).toBe(14);
    expect(await readAll(h.dest, 'videos/video.mov')).toEqual({
      sha256: source.sha256,
      size: source.size,
    });
    expect(await h.dest.listMultipartUploads('')).toEqual([]);
  });

  it('resumes an interrupted upload from its saved state, sending only the missing parts', async () => {
    const source = makeSource(work, 'long.mov', 12 * PART + 7);
    const crash = new AbortController();
    let saved: MultipartState | undefined;
    const first = h.dest.put('videos/long.mov', source, {
      partSize: PART,
      signal: crash.signal,
      onPartDone: (state) => {
        saved = state; // what a job persists in the catalog
        if (state.parts.length >= 4) crash.abort('shutdown');
      },
    });
    await expect(first).rejects.toThrow(CancelledError);
    expect(saved?.parts.length).toBeGreaterThanOrEqual(4);
    expect(await h.dest.head('videos/long.mov')).toBeNull();
    const pending = await h.dest.listMultipartUploads('videos/');
    expect(pending).toEqual([
      expect.objectContaining({ key: 'videos/long.mov', uploadId: saved?.uploadId }),
    ]);

    const before = h.partRequests();
    const savedBytes = saved!.parts.reduce((sum, p) => sum + p.size, 0);
    const progress: number[] = [];
    const result = await h.dest.put('videos/long.mov', source, {
      resume: saved!,
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(result.bytesSent).toBe(source.size - savedBytes);
    expect(progress[0]).toBeGreaterThanOrEqual(saved!.parts[0]!.size);
    if (before !== undefined) {
      expect(h.partRequests()! - before).toBe(13 - saved!.parts.length);
    }
    expect(await readAll(h.dest, 'videos/long.mov')).toEqual({
      sha256: source.sha256,
      size: source.size,
    });
    expect(await h.dest.listMultipartUploads('')).toEqual([]);
  });

  it('sends nothing again when the saved upload was completed by a run that died after', async () => {
    const source = makeSource(work, 'done.mov', 6 * PART + 3);
    let saved: MultipartState | undefined;
    await h.dest.put('videos/done.mov', source, {
      partSize: PART,
      onPartDone: (state) => void (saved = state),
    });
    const before = h.partRequests();
    const again = await h.dest.put('videos/done.mov', source, { resume: saved! });
    expect(again).toMatchObject({ bytesSent: 0, checksumVerified: true });
    if (before !== undefined) expect(h.partRequests()).toBe(before);
    expect((await h.dest.head('videos/done.mov'))?.sha256).toBe(source.sha256);
  });

  it('cancels an upload and, when asked, leaves no incomplete upload behind', async () => {
    const source = makeSource(work, 'cancel.mov', 10 * PART);
    const cancel = new AbortController();
    const put = h.dest.put('videos/cancel.mov', source, {
      partSize: PART,
      signal: cancel.signal,
      abortOnCancel: true,
      onPartDone: (state) => {
        if (state.parts.length >= 2) cancel.abort('cancel');
      },
    });
    await expect(put).rejects.toThrow(CancelledError);
    expect(await h.dest.head('videos/cancel.mov')).toBeNull();
    expect(await h.dest.listMultipartUploads('')).toEqual([]);
  });

  it('takes every buffer from a shared memory budget, never more than it, and gives it back', async () => {
    // Room for three 64 KiB buffers (the smallest class) for eight files at once.
    const memory = new MemoryBudget(3 * 64 * 1024);
    const sources = [
      ...Array.from({ length: 6 }, (_, i) => makeSource(work, `s${i}.jpg`, 3000 + i)),
      ...Array.from({ length: 2 }, (_, i) => makeSource(work, `m${i}.mov`, 6 * PART + i)),
    ];
    const results = await Promise.all(
      sources.map((source) =>
        h.dest.put(`mix/${path.basename(source.path)}`, source, { partSize: PART, memory }),
      ),
    );
    expect(results.map((r) => r.checksumVerified)).toEqual(sources.map(() => true));
    for (const source of sources) {
      expect(await readAll(h.dest, `mix/${path.basename(source.path)}`)).toEqual({
        sha256: source.sha256,
        size: source.size,
      });
    }
    expect(memory.peak).toBeGreaterThan(0);
    expect(memory.peak).toBeLessThanOrEqual(memory.limit);
    expect(memory.lentBytes).toBe(0);
  });

  it('refuses a file that changed since it was hashed, storing nothing', async () => {
    const source = makeSource(work, 'changed.jpg', 4 * PART);
    const stale: PutSource = { ...source, sha256: 'ab'.repeat(32) };
    await expect(h.dest.put('photos/changed.jpg', stale, { partSize: PART })).rejects.toThrow(
      SourceChangedError,
    );
    const small = makeSource(work, 'small.jpg', 100);
    await expect(
      h.dest.put('photos/small.jpg', { ...small, sha256: 'cd'.repeat(32) }),
    ).rejects.toThrow(/changed while it was being sent/);
    utimesSync(small.path, new Date(1_000_000), new Date(1_000_000));
    await expect(h.dest.put('photos/small.jpg', small)).rejects.toThrow(
      /changed since it was scanned/,
    );
    expect(await collect(h.dest.list(''))).toEqual([]);
    expect(await h.dest.listMultipartUploads('')).toEqual([]);
  });

  it(`declares its abilities (${kind})`, () => {
    expect(h.dest.features.needsRestore).toBe(kind === 's3');
  });
});
