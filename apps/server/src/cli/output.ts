import { AppError, DataVolumeFullError, INTERNAL_ERROR_EXIT_CODE } from '../errors.js';
import type { JobEvent } from '../events.js';

/** How the CLI speaks: plain lines for people, one JSON object per line with --json. */
export interface Output {
  json: boolean;
  /** A result: printed as JSON, or through `human` for people. */
  result(value: unknown, human: () => string): void;
  event(event: JobEvent): void;
}

export function createOutput(json: boolean): Output {
  let lastProgressLine = 0;
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
    },
    event(event) {
      if (json) {
        process.stdout.write(`${JSON.stringify(event)}\n`);
        return;
      }
      if (event.type === 'job.progress') {
        const now = Date.now();
        if (now - lastProgressLine < 2000) return;
        lastProgressLine = now;
      }
      const line = describeEvent(event);
      if (line) process.stderr.write(`${line}\n`);
    },
  };
}

export function describeEvent(event: JobEvent): string | undefined {
  switch (event.type) {
    case 'job.started':
      return `job ${event.jobId} (${event.kind}) started`;
    case 'job.progress': {
      const of = event.filesTotal === null ? '' : ` of ${event.filesTotal}`;
      const bytes =
        event.bytesTotal === null
          ? formatBytes(event.bytesDone)
          : `${formatBytes(event.bytesDone)} of ${formatBytes(event.bytesTotal)}`;
      return `  ${event.phase}: ${event.filesDone}${of} files, ${bytes}`;
    }
    case 'item.failed':
      return `  ! ${event.item}: ${event.reason}`;
    case 'job.finished':
      return `job ${event.jobId} ${event.state}${event.error ? `: ${event.error}` : ''}`;
    case 'job.queued':
      return undefined;
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function formatTime(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** The CLI's one error exit: a user mistake gets its message and code; a bug, a short notice. */
export function exitWithError(thrown: unknown, json: boolean): never {
  const error = DataVolumeFullError.from(thrown) ?? thrown;
  if (error instanceof AppError) {
    const body = { error: { code: error.code, message: error.message } };
    if (json) process.stdout.write(`${JSON.stringify(body)}\n`);
    process.stderr.write(`glacier: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(
    `glacier: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  if (process.env.GLACIER_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(INTERNAL_ERROR_EXIT_CODE);
}
