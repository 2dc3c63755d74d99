/**
 * Picks a destination implementation from its configuration (STYLE.md: "picked by URL scheme,
 * with declared abilities"), and parses what a user types: `s3://BUCKET/PREFIX` or an absolute
 * folder path.
 */
import path from 'node:path';
import { UserInputError } from '../errors.js';
import { STORAGE_CLASSES, type Destination, type StorageClass } from './destination.js';
import { FolderDestination } from './folder.js';
import { normalizePrefix } from './keys.js';
import { RetryingDestination, type RetryPolicy } from './retrying.js';
import { S3Destination, type S3DestinationConfig } from './s3.js';

export type DestinationConfig =
  | ({ kind: 's3'; prefix: string } & Omit<S3DestinationConfig, 'prefix'>)
  | { kind: 'folder'; path: string };

export interface OpenOptions {
  /** Retry policy overrides; `false` for the bare destination (probe of one attempt, tests). */
  retry?: Partial<RetryPolicy> | false;
}

/** The destination for `config`, wrapped in RetryingDestination unless asked otherwise. */
export function openDestination(config: DestinationConfig, options: OpenOptions = {}): Destination {
  const bare =
    config.kind === 's3' ? new S3Destination(config) : new FolderDestination(config.path);
  return options.retry === false ? bare : new RetryingDestination(bare, options.retry ?? {});
}

export type DestinationLocation =
  { kind: 's3'; bucket: string; prefix: string } | { kind: 'folder'; path: string };

/** `s3://bucket/some/prefix/` → s3 location; `/mnt/usb/archive` → folder. */
export function parseDestinationUrl(text: string): DestinationLocation {
  const value = text.trim();
  const s3 = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(value);
  if (s3) {
    const bucket = s3[1] ?? '';
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new UserInputError(`"${bucket}" is not a valid S3 bucket name`);
    }
    const prefix = normalizePrefix(s3[2] ?? '');
    if (prefix.split('/').some((segment) => segment === '..' || segment === '.')) {
      throw new UserInputError(`the prefix "${prefix}" may not contain "." or ".." segments`);
    }
    return { kind: 's3', bucket, prefix };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new UserInputError(
      `unsupported destination "${value}": use s3://BUCKET/PREFIX or a folder path`,
    );
  }
  if (!path.isAbsolute(value)) {
    throw new UserInputError(`a folder destination needs an absolute path, not "${value}"`);
  }
  return { kind: 'folder', path: path.resolve(value) };
}

export function parseStorageClass(value: string): StorageClass {
  const upper = value.trim().toUpperCase().replace(/-/g, '_');
  const found = STORAGE_CLASSES.find((c) => c === upper);
  if (!found) {
    throw new UserInputError(
      `unknown storage class "${value}": use one of ${STORAGE_CLASSES.join(', ')}`,
    );
  }
  return found;
}
