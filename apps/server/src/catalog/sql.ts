import { eq, or, sql, type SQL } from 'drizzle-orm';
import { files } from './schema.js';

/** Escapes LIKE wildcards; pair with `escape '\\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Files in a folder or anywhere below it ('' means the whole root). */
export function inFolderTree(dir: string): SQL | undefined {
  if (dir === '') return undefined;
  return or(eq(files.dir, dir), sql`${files.dir} like ${escapeLike(dir) + '/%'} escape '\\'`);
}

/** Files whose content (hash, metadata) was never read, or read at another size or mtime. */
export const contentIsStale = sql`(${files.contentSize} is null or ${files.contentSize} != ${files.size} or ${files.contentMtimeMs} != ${files.mtimeMs})`;
