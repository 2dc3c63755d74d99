/**
 * Where things go in a destination (DESIGN.md, "Bucket layout"): keys mirror the NAS paths so
 * that any S3 tool can find and restore a file without this app.
 */
export function mediaKey(rootLabel: string, relPath: string): string {
  return `${rootLabel}/${relPath}`;
}

export function sheetKey(rootLabel: string, folder: string, fileName: string): string {
  return `.glacier-archiver/sheets/${rootLabel}/${folder === '' ? '' : `${folder}/`}${fileName}`;
}
