/**
 * The one error tree of Glacier Archiver.
 *
 * Every error a user can cause or meet is an AppError with a stable `code`, an HTTP status and
 * a CLI exit code. The core throws these; the HTTP layer and the CLI translate them once each
 * (http/errors.ts, cli/output.ts). Anything that is not an AppError is a bug: it is logged with
 * its stack and shown to the user as an internal error, never with the stack.
 *
 *   AppError
 *   ├── UserInputError        400  exit 2   a request or argument that cannot be right
 *   │   ├── PathOutsideRootError      a path escaping every media root (.., absolute, symlink)
 *   │   └── FilesOutsideScopeError    picked file ids that are not in the folder asked about
 *   ├── AuthRequiredError     401  exit 3   no or expired session
 *   ├── ForbiddenError        403  exit 3   wrong password, foreign Origin, setup already done
 *   ├── NotFoundError         404  exit 4   no such root, folder, file or job
 *   ├── ConflictError         409  exit 5   a label already taken, a job already running
 *   ├── RootOfflineError      409  exit 6   the root's folder is missing or its drive unplugged
 *   ├── TooManyRequestsError  429  exit 7   login attempts over the limit
 *   ├── SchemaTooNewError     500  exit 8   the catalog was written by a newer version
 *   ├── CancelledError        409  exit 10  an operation stopped by its abort signal
 *   ├── DataVolumeFullError   507  exit 11  the data volume (catalog, thumbnails) has no space left
 *   └── StorageError          502  exit 9   a destination (S3, folder) failed; one-line reason
 *       ├── TransientStorageError     503   worth retrying: 5xx, SlowDown, timeout, reset
 *       │   └── VerificationFailedError   the stored copy does not match what was sent
 *       ├── PermanentStorageError     502   retrying cannot help
 *       │   ├── BucketNotFoundError          "the bucket X does not exist"
 *       │   ├── AccessDeniedError            "access denied: the key lacks s3:PutObject on X"
 *       │   ├── WrongRegionError             the bucket lives in another region
 *       │   ├── BadCredentialsError          unknown, wrong, expired or missing keys
 *       │   ├── DestinationFullError    507  the folder destination's disk is full
 *       │   ├── ObjectNotFoundError     404  no object at that key
 *       │   ├── ObjectNotReadableError  409  a cold object not (yet) restored
 *       │   └── InvalidKeyError         400  a key that would leave the destination
 *       ├── SourceChangedError        409   the local file changed while it was sent
 *       └── SourceUnreadableError     409   the local file cannot be read (permissions, I/O)
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;
  abstract readonly exitCode: number;

  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UserInputError extends AppError {
  readonly code: string = 'invalid_input';
  readonly httpStatus = 400;
  readonly exitCode = 2;
}

export class PathOutsideRootError extends UserInputError {
  override readonly code = 'path_outside_root';
}

/**
 * Files picked by id (an explorer selection) that are not files of the root and folder the
 * request names: unknown ids, another root's, another folder's. Refused whole, never skipped.
 */
export class FilesOutsideScopeError extends UserInputError {
  override readonly code = 'files_outside_scope';
}

export class AuthRequiredError extends AppError {
  readonly code = 'auth_required';
  readonly httpStatus = 401;
  readonly exitCode = 3;
}

export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
  readonly httpStatus = 403;
  readonly exitCode = 3;
}

export class NotFoundError extends AppError {
  readonly code = 'not_found';
  readonly httpStatus = 404;
  readonly exitCode = 4;
}

export class ConflictError extends AppError {
  readonly code = 'conflict';
  readonly httpStatus = 409;
  readonly exitCode = 5;
}

export class RootOfflineError extends AppError {
  readonly code = 'root_offline';
  readonly httpStatus = 409;
  readonly exitCode = 6;
}

export class TooManyRequestsError extends AppError {
  readonly code = 'too_many_requests';
  readonly httpStatus = 429;
  readonly exitCode = 7;
}

export class SchemaTooNewError extends AppError {
  readonly code = 'schema_too_new';
  readonly httpStatus = 500;
  readonly exitCode = 8;
}

/** An operation stopped because its AbortSignal fired (pause, cancel, shutdown). */
export class CancelledError extends AppError {
  readonly code = 'cancelled';
  readonly httpStatus = 409;
  readonly exitCode = 10;
}

/**
 * The data volume ran out of space: SQLite said SQLITE_FULL. The change was rolled back, so the
 * catalog stays as it was before it; the user must free space. SQLite's error is a foreign type
 * thrown from deep inside any query, so the edges (HTTP, CLI, job runner, server start) turn it
 * into this class with `from` instead of every query site catching it.
 */
export class DataVolumeFullError extends AppError {
  readonly code = 'data_volume_full';
  readonly httpStatus = 507;
  readonly exitCode = 11;

  /**
   * This error for SQLite's "database or disk is full" anywhere in the cause chain, else
   * undefined. SQLITE_IOERR_SHMSIZE counts too: it is how SQLite fails to open a WAL catalog
   * when its -shm file cannot grow, which SQLite documents as a sign of a volume out of space.
   */
  static from(error: unknown): DataVolumeFullError | undefined {
    for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
      if (e instanceof DataVolumeFullError) return e;
      const code = (e as { code?: unknown }).code;
      if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE') {
        return new DataVolumeFullError(
          'The data volume is full: the catalog could not save this change. Free some space on ' +
            'the volume that holds the data folder (or grow it), then try again; the catalog is ' +
            'intact, the change was rolled back.',
        );
      }
    }
    return undefined;
  }
}

/**
 * A destination failed. `message` is one line meant for the user ("the bucket X does not
 * exist"); `details` may name the bucket, key, S3 error code and HTTP status, never secrets.
 */
export class StorageError extends AppError {
  readonly code: string = 'storage_error';
  readonly httpStatus: number = 502;
  readonly exitCode = 9;
}

/** Worth retrying with backoff: 5xx, SlowDown/throttling, timeouts, dropped connections. */
export class TransientStorageError extends StorageError {
  override readonly code: string = 'storage_transient';
  override readonly httpStatus: number = 503;
}

/** The stored copy's size or checksum differs from what was sent: send it again. */
export class VerificationFailedError extends TransientStorageError {
  override readonly code = 'verification_failed';
}

/** Retrying cannot help: configuration, permission or state must change first. */
export class PermanentStorageError extends StorageError {
  override readonly code: string = 'storage_permanent';
}

export class BucketNotFoundError extends PermanentStorageError {
  override readonly code = 'bucket_not_found';
}

export class AccessDeniedError extends PermanentStorageError {
  override readonly code = 'access_denied';
}

/** `details.region` is where the bucket lives, as S3 said. */
export class WrongRegionError extends PermanentStorageError {
  override readonly code = 'wrong_region';
}

export class BadCredentialsError extends PermanentStorageError {
  override readonly code = 'bad_credentials';
}

export class DestinationFullError extends PermanentStorageError {
  override readonly code = 'destination_full';
  override readonly httpStatus = 507;
}

export class ObjectNotFoundError extends PermanentStorageError {
  override readonly code = 'object_not_found';
  override readonly httpStatus = 404;
}

/**
 * A GLACIER / DEEP_ARCHIVE object that is not restored (or whose restore is still running).
 * `restore` is what HeadObject said, so the caller can tell "request a restore" from "wait".
 */
export class ObjectNotReadableError extends PermanentStorageError {
  override readonly code = 'object_not_readable';
  override readonly httpStatus = 409;

  constructor(
    message: string,
    readonly restore: 'none' | 'in-progress',
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

/** An object key that is empty, absolute or climbs out of the destination with `..`. */
export class InvalidKeyError extends PermanentStorageError {
  override readonly code = 'invalid_key';
  override readonly httpStatus = 400;
}

/** The local file's size or content changed while it was being sent; nothing was stored. */
export class SourceChangedError extends StorageError {
  override readonly code = 'source_changed';
  override readonly httpStatus = 409;
}

/** The local file cannot be opened or read (permission denied, I/O error). */
export class SourceUnreadableError extends StorageError {
  override readonly code = 'source_unreadable';
  override readonly httpStatus = 409;
}

export const INTERNAL_ERROR_EXIT_CODE = 1;

/** A short reason for an OS error, for per-file failure reports ("permission denied", …). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'vanished during the scan';
    case 'ENAMETOOLONG':
      return 'path too long for the file system';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EIO':
      return 'input/output error (failing disk or lost mount?)';
    case 'ENOTDIR':
      return 'no longer a folder';
    default:
      return code
        ? `file system error ${code}`
        : error instanceof Error
          ? error.message
          : String(error);
  }
}
