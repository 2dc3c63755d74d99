/**
 * What only the folder destination does: a clean media tree with sidecar metadata, durable
 * all-or-nothing writes, and a full disk (a real 1 MiB tmpfs, mounted as root) reported in one
 * line with nothing left half-written.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CancelledError,
  DestinationFullError,
  InvalidKeyError,
  PermanentStorageError,
  SourceChangedError,
} from '../../src/errors.js';
import { FolderDestination } from '../../src/storage/folder.js';
import { testDestination } from '../../src/storage/probe.js';
import { collect, filesUnder, makeSource } from './support.js';

let work: string;
let base: string;
let dest: FolderDestination;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'glacier-folder-'));
  base = path.join(work, 'usb');
  mkdirSync(base);
  dest = new FolderDestination(base);
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const leftovers = (dir: string) => filesUnder(dir).filter((f) => /glacier-(partial|tmp)/.test(f));

describe('folder destination', () => {
  it('keeps the media tree clean: metadata in sidecars, the source mtime on the copy', async () => {
    const source = makeSource(work, 'IMG_1.CR3', 1234);
    await dest.put('photos/2024/IMG_1.CR3', source);
    expect(filesUnder(base).sort()).toEqual([
      '.glacier-archiver/meta/photos/2024/IMG_1.CR3.json',
      'photos/2024/IMG_1.CR3',
    ]);
    expect(Math.floor(statSync(path.join(base, 'photos/2024/IMG_1.CR3')).mtimeMs)).toBe(
      source.mtimeMs,
    );
    const meta = JSON.parse(
      readFileSync(path.join(base, '.glacier-archiver/meta/photos/2024/IMG_1.CR3.json'), 'utf8'),
    );
    expect(meta).toMatchObject({ version: 1, size: 1234, sha256: source.sha256 });
    expect(await collect(dest.list(''))).toEqual([
      expect.objectContaining({ key: 'photos/2024/IMG_1.CR3', storageClass: 'LOCAL' }),
    ]);
    expect(await dest.requestRestore()).toBe('not-needed');
  });

  it('never lists or reads outside its folder: no climbing prefix, no symbolic link', async () => {
    const secret = path.join(work, 'secret.txt');
    writeFileSync(secret, 'not for the web');
    mkdirSync(path.join(base, 'photos'));
    symlinkSync(secret, path.join(base, 'photos', 'link.txt'));
    symlinkSync(work, path.join(base, 'outside'));
    await dest.put('photos/a.jpg', makeSource(work, 'a.jpg', 100));

    for (const prefix of ['../', '../../etc/', 'photos/../../', '/etc/', 'photos//a']) {
      await expect(collect(dest.list(prefix)), prefix).rejects.toBeInstanceOf(InvalidKeyError);
    }
    expect((await collect(dest.list(''))).map((e) => e.key)).toEqual(['photos/a.jpg']);
    expect(await dest.head('photos/link.txt')).toBeNull();
    expect(await dest.head('outside/secret.txt')).toBeNull();
    await expect(dest.get('outside/secret.txt')).rejects.toThrow(/no object/);
    expect((await dest.head('photos/a.jpg'))?.size).toBe(100);
  });

  it('reports a copy whose sidecar describes another file as unverified', async () => {
    await dest.put('photos/a.jpg', makeSource(work, 'a.jpg', 100));
    writeFileSync(path.join(base, 'photos/a.jpg'), 'replaced by hand');
    const info = await dest.head('photos/a.jpg');
    expect(info).toMatchObject({ size: 16 });
    expect(info?.sha256).toBeUndefined();
  });

  it('leaves no temp or partial file after success, cancel, a changed source or a bad key', async () => {
    await dest.put('a/ok.jpg', makeSource(work, 'ok.jpg', 5000), { partSize: 1024 });
    const cancel = new AbortController();
    await expect(
      dest.put('a/cancel.mov', makeSource(work, 'c.mov', 8000), {
        partSize: 1024,
        signal: cancel.signal,
        abortOnCancel: true,
        onPartDone: (state) => {
          if (state.parts.length === 2) cancel.abort('cancel');
        },
      }),
    ).rejects.toThrow(CancelledError);
    const changed = makeSource(work, 'changed.jpg', 3000);
    await expect(
      dest.put('a/changed.jpg', { ...changed, sha256: '00'.repeat(32) }, { partSize: 1024 }),
    ).rejects.toThrow(SourceChangedError);
    await expect(dest.put('../escape.jpg', changed)).rejects.toThrow(InvalidKeyError);
    await expect(dest.put('.glacier-archiver/meta/x.json', changed)).rejects.toThrow(
      /reserved for the folder's metadata/,
    );
    expect(leftovers(base)).toEqual([]);
    expect(filesUnder(base).filter((f) => !f.startsWith('.glacier-archiver/'))).toEqual([
      'a/ok.jpg',
    ]);
    expect(filesUnder(work).some((f) => f.includes('escape'))).toBe(false);
  });

  it('keeps a paused copy as a resumable partial that the cleanup can find and remove', async () => {
    const pause = new AbortController();
    await expect(
      dest.put('v/clip.mov', makeSource(work, 'clip.mov', 4096), {
        partSize: 1024,
        signal: pause.signal,
        onPartDone: (state) => {
          if (state.parts.length === 1) pause.abort('pause');
        },
      }),
    ).rejects.toThrow(CancelledError);
    const [upload] = await dest.listMultipartUploads('v/');
    expect(upload).toMatchObject({ key: 'v/clip.mov' });
    expect(await collect(dest.list(''))).toEqual([]);
    await dest.abortMultipart('v/clip.mov', upload!.uploadId);
    expect(leftovers(base)).toEqual([]);
  });

  it('refuses to write when the folder itself is missing (an unplugged drive)', async () => {
    const gone = new FolderDestination(path.join(work, 'unplugged'));
    const error = await gone.put('a.jpg', makeSource(work, 'a.jpg', 1)).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentStorageError);
    expect(error.message).toBe(
      `the destination folder ${path.join(work, 'unplugged')} does not exist (is the drive plugged in?)`,
    );
    await expect(collect(gone.list(''))).rejects.toThrow(/is the drive plugged in/);
    await expect(gone.head('a.jpg')).rejects.toThrow(/is the drive plugged in/);
    const probe = await testDestination(gone);
    expect(probe.ok).toBe(false);
    expect(probe.checks.map((c) => [c.name, c.ok])).toEqual([
      ['list', false],
      ['put', false],
      ['head', false],
      ['get', false],
      ['delete', false],
    ]);
    expect(probe.checks[0]?.message).toMatch(/is the drive plugged in/);
  });

  it('passes the destination test', async () => {
    const result = await testDestination(dest);
    expect(result).toMatchObject({ ok: true });
    expect(filesUnder(base)).toEqual([]);
  });
});

/** A 1 MiB tmpfs, or undefined where mounting is not allowed (not root). */
function mountTinyDisk(): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'glacier-tiny-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

const tinyDisk = mountTinyDisk();

describe.skipIf(!tinyDisk)('folder destination on a full disk (1 MiB tmpfs)', () => {
  const disk = tinyDisk ?? '';
  afterEach(() => {
    for (const name of filesUnder(disk)) rmSync(path.join(disk, name));
  });
  afterAll(() => {
    execFileSync('umount', [disk]);
    rmSync(disk, { recursive: true, force: true });
  });

  it('refuses a file larger than the free space before writing anything', async () => {
    const full = new FolderDestination(disk);
    const error = await full
      .put('videos/big.mov', makeSource(work, 'big.mov', 2 * 1024 * 1024))
      .catch((e) => e);
    expect(error).toBeInstanceOf(DestinationFullError);
    expect(error.message).toMatch(
      new RegExp(`^the destination folder ${disk} is full \\([\\d.]+ MB free, 2\\.1 MB needed\\)$`),
    );
    expect(filesUnder(disk)).toEqual([]);
  });

  it('turns ENOSPC in the middle of a copy into one clear error, leaving nothing behind', async () => {
    const full = new FolderDestination(disk);
    const filler = path.join(disk, 'filler');
    const error = await full
      .put('videos/clip.mov', makeSource(work, 'clip.mov', 600 * 1024), {
        partSize: 100 * 1024,
        onPartDone: (state) => {
          // Another program fills the disk once our copy has begun.
          if (state.parts.length === 1) fillUp(filler);
        },
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(DestinationFullError);
    expect(error.message).toBe(`the destination folder ${disk} is full`);
    expect(filesUnder(disk)).toEqual(['filler']);
  });
});

function fillUp(file: string): void {
  try {
    writeFileSync(file, Buffer.alloc(2 * 1024 * 1024));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}
