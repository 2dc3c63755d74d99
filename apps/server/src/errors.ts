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
 *   │   └── PathOutsideRootError      a path escaping every media root (.., absolute, symlink)
 *   ├── AuthRequiredError     401  exit 3   no or expired session
 *   ├── ForbiddenError        403  exit 3   wrong password, foreign Origin, setup already done
 *   ├── NotFoundError         404  exit 4   no such root, folder, file or job
 *   ├── ConflictError         409  exit 5   a label already taken, a job already running
 *   ├── RootOfflineError      409  exit 6   the root's folder is missing or its drive unplugged
 *   ├── TooManyRequestsError  429  exit 7   login attempts over the limit
 *   └── SchemaTooNewError     500  exit 8   the catalog was written by a newer version
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
