/**
 * Contact sheets run in capture order, name as the tie-break. A capture time without a zone is
 * the camera's clock: compared as if it were UTC, so the order never depends on the server's
 * time zone. A file with no capture time falls back to its modification time.
 */
export interface Orderable {
  name: string;
  capturedAt: string | null;
  mtimeMs: number;
}

export function captureInstant(file: Orderable): number {
  if (file.capturedAt) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(file.capturedAt);
    const ms = Date.parse(hasZone ? file.capturedAt : `${file.capturedAt}Z`);
    if (!Number.isNaN(ms)) return ms;
  }
  return file.mtimeMs;
}

export function byCaptureTime<T extends Orderable>(files: T[]): T[] {
  return files
    .map((file) => ({ file, at: captureInstant(file) }))
    .sort(
      (a, b) => a.at - b.at || (a.file.name < b.file.name ? -1 : a.file.name > b.file.name ? 1 : 0),
    )
    .map(({ file }) => file);
}
