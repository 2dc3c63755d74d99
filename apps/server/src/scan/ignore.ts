import picomatch from 'picomatch';

/**
 * Names that operating systems and NAS firmware scatter through shares: never media, never
 * worth archiving. Matched on the entry name, files and folders alike.
 */
const JUNK_NAMES = new Set([
  '.DS_Store',
  '.AppleDouble',
  '.AppleDB',
  '.AppleDesktop',
  '.Spotlight-V100',
  '.Trashes',
  '.Trash',
  '.fseventsd',
  '.TemporaryItems',
  '.DocumentRevisions-V100',
  'Thumbs.db',
  'ehthumbs.db',
  'desktop.ini',
  '$RECYCLE.BIN',
  'System Volume Information',
  'lost+found',
  '@eaDir',
  '@Recycle',
  '@Recently-Snapshot',
  '#recycle',
  '#snapshot',
  '.@__thumb',
  '.snapshot',
  '.zfs',
]);

export function isJunkName(name: string): boolean {
  // AppleDouble resource forks ("._IMG_0001.JPG") sit beside every file copied from a Mac.
  return JUNK_NAMES.has(name) || name.startsWith('._');
}

export type IgnoreMatcher = (relPath: string) => boolean;

/** Builds the matcher for user ignore patterns (globs on paths relative to the root). */
export function ignoreMatcher(patterns: string[]): IgnoreMatcher {
  if (patterns.length === 0) return () => false;
  const match = picomatch(patterns, { dot: true, basename: false });
  // A pattern without a slash ("*.tmp") is meant to match at any depth, like .gitignore.
  const bare = patterns.filter((p) => !p.includes('/'));
  const matchName = bare.length > 0 ? picomatch(bare, { dot: true }) : () => false;
  return (relPath) => {
    const name = relPath.slice(relPath.lastIndexOf('/') + 1);
    return match(relPath) || matchName(name);
  };
}
