/**
 * Rule 3 of DESIGN.md: an object key can never write outside the chosen download folder.
 *
 * Keys come from a bucket other tools write to as well, so each one is checked before it
 * becomes a path, and refused (never silently rewritten: two keys could then meet on one file)
 * when it holds:
 * - an empty path, a `.` or `..` segment, an empty segment (`a//b`) or a leading `/`;
 * - NUL or another control character (U+0001–U+001F, U+007F): NUL ends a path in the kernel's
 *   API, and SMB, exFAT and most tools refuse or mangle the others;
 * - a backslash: a folder separator for the Windows and SMB clients that read the NAS;
 * - a segment longer than 255 bytes (the name limit of ext4, btrfs, ZFS and exFAT).
 * `: * ? " < > |` are kept: ext4, btrfs and ZFS (what NAS volumes use) accept them; a folder on
 * a file system that refuses them fails that one file with the system's reason.
 *
 * The joined path is checked to stay inside the folder, and the real path of its parent folder
 * is checked again after it is created, so a symbolic link already in the download folder
 * cannot lead a write elsewhere either.
 */
import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { UserInputError } from '../errors.js';

/** A key or path that cannot be written under the download folder. */
export class UnsafePathError extends UserInputError {
  override readonly code = 'unsafe_path';
}

const NAME_MAX_BYTES = 255;

/** Why `relPath` cannot become a path under a download folder, or undefined if it can. */
export function unsafeReason(relPath: string): string | undefined {
  if (relPath.length === 0) return 'the path is empty';
  if (relPath.includes('\0')) return 'it contains a NUL character';
  const control = [...relPath].find(isControl);
  if (control) return `it contains a control character (${codePoint(control)})`;
  if (relPath.includes('\\')) return 'it contains a backslash (a folder separator on Windows)';
  if (relPath.startsWith('/')) return 'it is an absolute path';
  for (const segment of relPath.split('/')) {
    if (segment === '..') return 'it climbs out of the download folder with ".."';
    if (segment === '.' || segment === '') return 'it has an empty or "." path segment';
    if (Buffer.byteLength(segment) > NAME_MAX_BYTES) {
      return `the name "${segment.slice(0, 40)}…" is longer than ${NAME_MAX_BYTES} bytes`;
    }
  }
  return undefined;
}

/** Throws UnsafePathError unless `relPath` is safe to write under a folder. */
export function assertSafeRelPath(relPath: string): void {
  const reason = unsafeReason(relPath);
  if (reason) {
    throw new UnsafePathError(`refused "${printable(relPath)}": ${reason}`, {
      path: printable(relPath),
    });
  }
}

/** The absolute path `relPath` gets under `folder`; refuses anything that would leave it. */
export function targetPath(folder: string, relPath: string): string {
  assertSafeRelPath(relPath);
  const base = path.resolve(folder);
  const target = path.resolve(base, ...relPath.split('/'));
  if (!isInside(target, base)) {
    throw new UnsafePathError(`refused "${printable(relPath)}": it leads outside ${base}`);
  }
  return target;
}

/**
 * Creates the folders above `target` and proves that their real path (symbolic links
 * followed) is still inside the real path of `folder`.
 */
export async function prepareParent(folder: string, target: string): Promise<void> {
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  const [realBase, realParent] = await Promise.all([realpath(folder), realpath(parent)]);
  if (realParent !== realBase && !isInside(realParent, realBase)) {
    throw new UnsafePathError(
      `refused ${target}: a symbolic link in the download folder leads to ${realParent}`,
    );
  }
}

/**
 * A Content-Disposition value for a file name from a key: an ASCII fallback (anything outside
 * printable ASCII, and `"`, `\`, `/`, `;`, `%`, replaced by `_`) plus the exact name in
 * RFC 5987 form for browsers that read it.
 */
export function attachmentDisposition(name: string): string {
  const base = name.split('/').pop() || 'download';
  const ascii = base.replace(/[^\x20-\x7e]|["\\/;%]/g, '_').trim() || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(base)}`;
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A key as it can be shown in a message: control characters as \uXXXX. */
export function printable(value: string): string {
  return [...value].map((c) => (isControl(c) ? codePoint(c) : c)).join('');
}

function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

function codePoint(c: string): string {
  return `U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
