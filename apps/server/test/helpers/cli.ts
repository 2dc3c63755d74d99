import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI_ENTRY = path.join(SERVER_DIR, 'src/cli/main.ts');
const TSX = path.join(SERVER_DIR, 'node_modules/tsx/dist/esm/index.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The `glacier` command as a user runs it: a separate process on the same data dir. */
export function cliArgs(args: string[]): string[] {
  return ['--import', TSX, CLI_ENTRY, ...args];
}

export function runCli(
  dataDir: string,
  args: string[],
  options: { input?: string; prefix?: string[]; env?: Record<string, string> } = {},
): CliResult {
  const prefix = options.prefix ?? [];
  const command = prefix.length > 0 ? prefix[0]! : process.execPath;
  const argv =
    prefix.length > 0 ? [...prefix.slice(1), process.execPath, ...cliArgs(args)] : cliArgs(args);
  const result = spawnSync(command, argv, {
    env: { ...process.env, GLACIER_DATA_DIR: dataDir, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function startCli(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): ChildProcess {
  return spawn(process.execPath, cliArgs(args), {
    env: { ...process.env, GLACIER_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
