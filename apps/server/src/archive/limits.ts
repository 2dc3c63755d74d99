/**
 * The bounds of an archive request. No imports: the API schemas (which the web app reads) and
 * the core both take them from here.
 */

/**
 * The most files one archive of a selection may name. A selection is kept in the job's
 * parameters (so that a resume plans the same files again): 100,000 ids are about 700 KB of JSON.
 * More than that is a folder's worth: archive the folder.
 */
export const MAX_ARCHIVE_SELECTION = 100_000;
