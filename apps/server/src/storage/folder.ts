/**
 * The folder destination: a path on the NAS or a USB drive, laid out like a bucket
 * (`<folder>/<root label>/<path>`), so the copy is browsable with any file manager.
 *
 * Metadata (size, SHA-256, mtime) goes in a sidecar JSON per object under
 * `<folder>/.glacier-archiver/meta/<key>.json`, not in xattrs: the exFAT/FAT32 drives and
 * SMB/NFS mounts a NAS writes to often drop or refuse xattrs, Node reads none without a native
 * module, and a plain copy of the folder keeps the sidecars. The media tree itself stays clean.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ObjectNotFoundError, PermanentStorageError } from '../errors.js';
import type {
  Destination,
  DestinationFeatures,
  GetOptions,
  GetResult,
  ListEntry,
  MultipartUploadInfo,
  ObjectInfo,
  PutOptions,
  PutResult,
  PutSource,
  RestoreRequestResult,
} from './destination.js';
import { FolderLayout, folderError, readMeta, removeQuietly, walkFiles } from './folder-files.js';
import { writeObject } from './folder-write.js';
import { assertValidPrefix } from './keys.js';

/** What head() and list() report as the class of a file in a folder. */
export const FOLDER_STORAGE_CLASS = 'LOCAL';

export class FolderDestination implements Destination {
  readonly features: DestinationFeatures;
  private readonly layout: FolderLayout;

  constructor(readonly base: string) {
    this.layout = new FolderLayout(base);
    this.features = { needsRestore: false, storageClasses: [], description: base };
  }

  async put(key: string, source: PutSource, options: PutOptions = {}): Promise<PutResult> {
    this.layout.dataPath(key);
    await this.assertBaseExists();
    return writeObject(this.layout, key, source, options);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const file = this.layout.dataPath(key);
    await this.assertBaseExists();
    if (!(await this.isPlainFileInside(key, file))) return null;
    const stats = await stat(file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw folderError(this.base, error);
    });
    if (!stats?.isFile()) return null;
    const meta = await readMeta(this.layout, key);
    // A sidecar for another size describes an older file: the data is unverified.
    const valid = meta && meta.size === stats.size ? meta : undefined;
    return {
      key,
      size: stats.size,
      storageClass: FOLDER_STORAGE_CLASS,
      restore: { state: 'none' },
      readable: true,
      lastModified: stats.mtime,
      ...(valid
        ? {
            sha256: valid.sha256,
            mtimeMs: valid.mtimeMs,
            etag: valid.sha256,
            checksum: {
              algorithm: 'SHA256' as const,
              value: Buffer.from(valid.sha256, 'hex').toString('base64'),
            },
          }
        : {}),
    };
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const info = await this.head(key);
    if (!info) throw new ObjectNotFoundError(`no object at ${this.base}/${key}`, { key });
    if (options.ifMatch && options.ifMatch !== info.etag) {
      throw new PermanentStorageError(`${key} changed on the destination while it was read`, {
        key,
      });
    }
    const offset = options.range?.offset ?? 0;
    const length = Math.max(0, Math.min(options.range?.length ?? Infinity, info.size - offset));
    const body =
      length === 0
        ? Readable.from([])
        : createReadStream(this.layout.dataPath(key), {
            start: offset,
            end: offset + length - 1,
            ...(options.signal ? { signal: options.signal } : {}),
          });
    return { body, length, size: info.size, ...(info.etag ? { etag: info.etag } : {}) };
  }

  async *list(prefix: string): AsyncIterable<ListEntry> {
    assertValidPrefix(prefix);
    // An unplugged drive must not read as an empty destination (reconcile would cry "lost").
    await this.assertBaseExists();
    const start = prefix.endsWith('/')
      ? prefix.slice(0, -1)
      : prefix.split('/').slice(0, -1).join('/');
    for await (const entry of walkFiles(this.base, start)) {
      if (!entry.relative.startsWith(prefix) || this.layout.parsePartial(entry.relative)) continue;
      const stats = await stat(entry.absolute).catch(() => null);
      if (!stats) continue;
      yield {
        key: entry.relative,
        size: stats.size,
        storageClass: FOLDER_STORAGE_CLASS,
        lastModified: stats.mtime,
      };
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.layout.dataPath(key);
    await removeQuietly(this.layout.metaPath(key));
    await removeQuietly(file);
  }

  async requestRestore(): Promise<RestoreRequestResult> {
    return 'not-needed';
  }

  /** Partial files left by an interrupted put (a crash, a pause never resumed). */
  async listMultipartUploads(prefix: string): Promise<MultipartUploadInfo[]> {
    assertValidPrefix(prefix);
    await this.assertBaseExists();
    const uploads: MultipartUploadInfo[] = [];
    const start = prefix.split('/').slice(0, -1).join('/');
    for await (const entry of walkFiles(this.base, start)) {
      const partial = this.layout.parsePartial(entry.relative);
      if (!partial || !partial.key.startsWith(prefix)) continue;
      const stats = await stat(entry.absolute).catch(() => null);
      uploads.push({ ...partial, ...(stats ? { initiated: stats.mtime } : {}) });
    }
    return uploads;
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    if (!/^[0-9a-f]{16}$/.test(uploadId)) return;
    await removeQuietly(this.layout.partialPath(key, uploadId));
  }

  close(): void {}

  /**
   * An object is a regular file reached without a symbolic link on the way: list() never shows
   * links (it walks regular files only), and a link put in the folder by someone else could
   * lead anywhere on the NAS.
   */
  private async isPlainFileInside(key: string, file: string): Promise<boolean> {
    try {
      const [realBase, realFile] = await Promise.all([realpath(this.base), realpath(file)]);
      return realFile === path.join(realBase, ...key.split('/'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw folderError(this.base, error);
    }
  }

  /**
   * The destination folder must exist, and is never created: if a USB drive is unplugged, its
   * mount point may be missing, and writing there would fill the NAS's system disk instead.
   */
  private async assertBaseExists(): Promise<void> {
    const stats = await stat(this.base).catch(() => null);
    if (!stats?.isDirectory()) {
      throw new PermanentStorageError(
        `the destination folder ${this.base} does not exist (is the drive plugged in?)`,
        { path: this.base },
      );
    }
  }
}
