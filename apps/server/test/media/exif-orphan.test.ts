/**
 * exiftool runs with -stay_open and would outlive a server or CLI killed with SIGKILL; tied to
 * us by a parent-death signal, it must go with us.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sample } from '../fixtures/samples.js';

const CHILD = fileURLToPath(new URL('./exif-child.ts', import.meta.url));

function childrenOf(pid: number): number[] {
  const found = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return found.stdout.split('\n').filter(Boolean).map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(existsSync('/usr/bin/setpriv'))('exiftool and a killed parent', () => {
  it('leaves no exiftool behind when the process that started it is killed with SIGKILL', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, sample('jpeg/mei_Apple_iPhone_4.jpg')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const said = await new Promise<string>((resolve) =>
      child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())),
    );
    expect(said).toBe('read');
    const exiftools = childrenOf(child.pid!);
    expect(exiftools.length).toBeGreaterThan(0);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The kernel sends the signal as the parent exits; allow the scheduler a moment.
    for (let i = 0; i < 50 && exiftools.some(alive); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(exiftools.filter(alive)).toEqual([]);
  });
});
