/**
 * One file streamed straight to a browser (a phone downloading one photo), once its object is
 * readable. The bytes pass through as they come, hashed on the way; the last piece is held back
 * until the SHA-256 matched, so a corrupted object ends as a failed (short) download in the
 * browser, never as a complete-looking damaged file.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { and, eq, isNull } from 'drizzle-orm';
import { getDestination, openFor } from '../archive/destinations.js';
import { fileById } from '../catalog/browse.js';
import { copies } from '../catalog/schema.js';
import { NotFoundError, ObjectNotReadableError, VerificationFailedError } from '../errors.js';
import type { ObjectInfo } from '../storage/destination.js';
import { expectedSha256 } from './download.js';
import { notRestored, stillRestoring } from './messages.js';
import { objectState } from './object-state.js';
import { attachmentDisposition } from './safe-path.js';
import type { StoreAccess } from './start.js';
import { lastRequest } from './store.js';

export interface ObjectDownload {
  body: Readable;
  size: number;
  contentType: string;
  disposition: string;
}

/** A catalog file from a destination holding a verified copy of its content. */
export async function openFileDownload(
  store: StoreAccess,
  fileId: number,
  destinationName: string,
): Promise<ObjectDownload> {
  const file = fileById(store.catalog, fileId);
  const row = getDestination(store.catalog, destinationName);
  const copy = file.sha256
    ? store.catalog.db
        .select()
        .from(copies)
        .where(
          and(
            eq(copies.destinationId, row.id),
            eq(copies.sha256, file.sha256),
            isNull(copies.lostAt),
          ),
        )
        .get()
    : undefined;
  if (!copy) {
    throw new NotFoundError(`"${row.name}" holds no verified copy of ${file.relPath}`);
  }
  return openObject(store, row, copy.key, {
    name: file.name,
    sha256: copy.sha256,
    contentType: file.mime ?? 'application/octet-stream',
  });
}

/** Any object by key (objects the catalog does not know), checked against its own SHA-256. */
export async function openKeyDownload(
  store: StoreAccess,
  destinationName: string,
  key: string,
): Promise<ObjectDownload> {
  const row = getDestination(store.catalog, destinationName);
  return openObject(store, row, key, {
    name: key,
    sha256: null,
    contentType: 'application/octet-stream',
  });
}

async function openObject(
  store: StoreAccess,
  row: ReturnType<typeof getDestination>,
  key: string,
  file: { name: string; sha256: string | null; contentType: string },
): Promise<ObjectDownload> {
  const destination = openFor(row, store.secrets ? { secrets: store.secrets } : {});
  try {
    const info = await destination.head(key);
    if (!info) throw new NotFoundError(`no object at ${key} in "${row.name}"`);
    assertReadable(store, row.id, info);
    const expected = expectedSha256({ sha256: file.sha256, info });
    const got = await destination.get(key, info.etag ? { ifMatch: info.etag } : {});
    const body = got.body.pipe(holdUntilVerified(key, info.size, expected));
    got.body.once('error', (error) => body.destroy(error));
    body.once('close', () => destination.close());
    await firstBytes(body);
    return {
      body,
      size: info.size,
      contentType: file.contentType,
      disposition: attachmentDisposition(file.name),
    };
  } catch (error) {
    destination.close();
    throw error;
  }
}

/**
 * Waits until the body has bytes to give (or has ended), so an object that fails its check
 * before anything was sent (any object of one or two chunks) is a clean error answer, not a
 * response whose headers already promised a file.
 */
async function firstBytes(body: Readable): Promise<void> {
  try {
    await once(body, 'readable');
  } finally {
    body.removeAllListeners('readable');
  }
}

/** 409 with what to expect when the object is not readable yet. */
function assertReadable(store: StoreAccess, destinationId: number, info: ObjectInfo): void {
  const state = objectState(info);
  if (state.state === 'readable') return;
  const name = info.key;
  if (state.state === 'in-progress') {
    const asked = lastRequest(store.catalog, destinationId, info.key);
    throw new ObjectNotReadableError(
      stillRestoring(name, info.storageClass, asked?.tier, asked?.requestedAt ?? null),
      'in-progress',
      { key: info.key, storageClass: info.storageClass },
    );
  }
  throw new ObjectNotReadableError(notRestored(name, info.storageClass), 'none', {
    key: info.key,
    storageClass: info.storageClass,
  });
}

/**
 * Passes chunks through one behind: the last is released only once size and SHA-256 match
 * (when a SHA-256 is known; otherwise the size alone is checked).
 */
export function holdUntilVerified(
  label: string,
  size: number,
  sha256: string | undefined,
): Transform {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      seen += chunk.length;
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback: TransformCallback) {
      const actual = hash.digest('hex');
      if (seen !== size || (sha256 !== undefined && actual !== sha256)) {
        return callback(
          new VerificationFailedError(`${label}: the data does not match its SHA-256`, {
            sha256: actual,
            expectedSha256: sha256,
          }),
        );
      }
      callback(null, held);
    },
  });
}
