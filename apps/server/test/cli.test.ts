import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './helpers/cli.js';
import { sample } from './fixtures/samples.js';
import { writeTree } from './helpers/context.js';

let dir: string;
let dataDir: string;
let mediaDir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'glacier-cli-'));
  dataDir = path.join(dir, 'data');
  mediaDir = path.join(dir, 'media');
  writeTree(mediaDir, { 'Trip/a.txt': 'alpha', 'Trip/b.xmp': '<xmp/>', 'c.txt': 'charlie' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glacier CLI', () => {
  it('adds and lists roots, in words and in JSON', () => {
    const added = runCli(dataDir, ['roots', 'add', mediaDir, '--label', 'photos']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('added root "photos"');
    const listed = runCli(dataDir, ['roots', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { label: 'photos', path: mediaDir, online: true, fileCount: 0 },
    ]);
  });

  it('explains a mistake with a message and an exit code, not a stack trace', () => {
    const dup = runCli(dataDir, ['roots', 'add', mediaDir, '--label', 'photos']);
    expect(dup.code).toBe(5);
    expect(dup.stderr.trim()).toBe('glacier: A root is already labelled "photos"');
    const outside = runCli(dataDir, ['ls', '/nowhere/else']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is not inside any media root');
    const climb = runCli(dataDir, ['ls', 'photos/../../etc', '--json']);
    expect(climb.code).toBe(2);
    expect(JSON.parse(climb.stdout)).toMatchObject({ error: { code: 'path_outside_root' } });
    expect(climb.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('scans with one JSON event per line, then lists and shows files', () => {
    const scanned = runCli(dataDir, ['scan', 'photos', '--json']);
    expect(scanned.code).toBe(0);
    const lines = jsonLines(scanned.stdout);
    const types = lines.map((l) => l.type ?? 'job');
    expect(types).toContain('job.started');
    expect(types).toContain('job.progress');
    expect(types).toContain('job.finished');
    expect(lines[lines.length - 1]).toMatchObject({
      kind: 'scan',
      state: 'done',
      summary: { files: 3, added: 3 },
    });

    const ls = runCli(dataDir, ['ls', path.join(mediaDir, 'Trip'), '--json']);
    expect(ls.code).toBe(0);
    const listing = JSON.parse(ls.stdout);
    expect(listing.files.map((f: { name: string; kind: string }) => [f.name, f.kind])).toEqual([
      ['a.txt', 'other'],
      ['b.xmp', 'sidecar'],
    ]);

    const human = runCli(dataDir, ['status', 'photos/Trip/a.txt']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(
      'sha256      8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed4018e8f2223f8',
    );

    const jobs = runCli(dataDir, ['jobs', '--json']);
    expect(JSON.parse(jobs.stdout)[0]).toMatchObject({ kind: 'scan', state: 'done' });
  });

  it('summarises a folder into contact sheets and lists them', () => {
    copyFileSync(sample('jpeg/mei_Apple_iPhone_4.jpg'), path.join(mediaDir, 'Trip/iphone.jpg'));
    expect(runCli(dataDir, ['scan', 'photos/Trip']).code).toBe(0);
    const summarised = runCli(dataDir, ['summarise', path.join(mediaDir, 'Trip'), '--json']);
    expect(summarised.code).toBe(0);
    const lines = jsonLines(summarised.stdout);
    expect(lines[lines.length - 1]).toMatchObject({
      kind: 'summarise',
      state: 'done',
      summary: { tiles: 1, sheetsWritten: 1 },
    });
    const sheets = JSON.parse(runCli(dataDir, ['sheets', 'photos/Trip', '--json']).stdout);
    expect(sheets).toMatchObject({
      root: 'photos',
      folder: 'Trip',
      sheets: [{ page: 1, pages: 1, tiles: 1 }],
    });
    expect(existsSync(sheets.sheets[0].image)).toBe(true);
    const human = runCli(dataDir, ['ls', 'photos/Trip']);
    expect(human.stdout).toMatch(/iphone\.jpg\tphoto\t[\d.]+ KB\tsummarised/);
  });

  it('archives only the files named with --file', () => {
    const drive = path.join(dir, 'drive');
    mkdirSync(drive);
    expect(runCli(dataDir, ['dest', 'add', 'drive', drive]).code).toBe(0);
    const picked = ['archive', 'photos/Trip', '--to', 'drive', '--file', 'photos/Trip/a.txt'];
    const plan = runCli(dataDir, [...picked, '--dry-run', '--json']);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ files: 1, selected: 1, missing: 0 });
    expect(runCli(dataDir, [...picked, '--dry-run']).stdout).toContain('(1 picked file only)');
    expect(runCli(dataDir, picked).code).toBe(0);
    expect(existsSync(path.join(drive, 'photos/Trip/a.txt'))).toBe(true);
    expect(existsSync(path.join(drive, 'photos/Trip/b.xmp'))).toBe(false);
    // The job list counts the picked files instead of printing their catalog ids.
    const jobs = runCli(dataDir, ['jobs']).stdout.split('\n');
    expect(jobs.find((line) => /\tarchive\tdone/.test(line))).toContain('(1 picked)');
    const listed = JSON.parse(runCli(dataDir, ['jobs', '--json']).stdout) as {
      kind: string;
      params: Record<string, unknown>;
      selection: { files: number } | null;
    }[];
    const archive = listed.find((j) => j.kind === 'archive')!;
    expect(archive.selection).toEqual({ files: 1 });
    expect(archive.params).not.toHaveProperty('fileIds');
    // Each destination's copy, asked live; a copy gone behind our back is a distinct exit code.
    const checked = runCli(dataDir, ['check-copies', 'photos/Trip/a.txt']);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/drive\tphotos\/Trip\/a\.txt\tpresent, SHA-256 verified/);
    rmSync(path.join(drive, 'photos/Trip/a.txt'));
    const gone = runCli(dataDir, ['check-copies', 'photos/Trip/a.txt']);
    expect(gone.code).toBe(12);
    expect(gone.stdout).toContain('MISSING');
    const json = runCli(dataDir, ['check-copies', 'photos/Trip/a.txt', '--json']);
    expect(JSON.parse(json.stdout).copies).toMatchObject([
      { destination: 'drive', status: 'missing' },
    ]);
    expect(runCli(dataDir, ['check-copies', 'photos/Trip/b.xmp']).stdout).toContain(
      'no destination holds a copy yet',
    );
    // A file outside the place is refused, not skipped.
    const outside = runCli(dataDir, [...picked, '--file', path.join(mediaDir, 'c.txt'), '--json']);
    expect(outside.code).toBe(2);
    expect(JSON.parse(outside.stdout)).toMatchObject({ error: { code: 'files_outside_scope' } });
  });

  it('keeps the catalog of an unplugged root browsable and refuses to scan it', () => {
    const usb = path.join(dir, 'usb');
    writeTree(usb, { 'DCIM/IMG_1.jpg': 'x' });
    expect(runCli(dataDir, ['roots', 'add', usb, '--label', 'usb']).code).toBe(0);
    expect(runCli(dataDir, ['scan', 'usb']).code).toBe(0);
    rmSync(usb, { recursive: true });
    const scan = runCli(dataDir, ['scan', 'usb']);
    expect(scan.code).toBe(6);
    expect(scan.stderr).toContain('is offline');
    const list = runCli(dataDir, ['roots', 'list']);
    expect(list.stdout).toMatch(/usb\s+OFFLINE\s+1 files/);
    const ls = runCli(dataDir, ['ls', 'usb/DCIM']);
    expect(ls.stdout).toContain('IMG_1.jpg');
    expect(ls.stdout).toContain('OFFLINE');
  });

  it.runIf(process.getuid?.() === 0)(
    'reports what it may not read, as an unprivileged user would meet it',
    () => {
      // Root reads everything; run the scan as "nobody" against folders it may not read.
      const shared = mkdtempSync(path.join(tmpdir(), 'glacier-perm-'));
      chmodSync(shared, 0o777);
      const media = path.join(shared, 'media');
      writeTree(media, { 'open/a.txt': 'a', 'locked/b.txt': 'b', 'secret.txt': 's' });
      chmodSync(path.join(media, 'locked'), 0o700);
      chmodSync(path.join(media, 'secret.txt'), 0o600);
      for (const p of [media, path.join(media, 'open'), path.join(media, 'open/a.txt')])
        chmodSync(p, 0o755);
      const data = path.join(shared, 'data');
      mkdirSync(data);
      chmodSync(data, 0o777);
      const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
      try {
        expect(
          runCli(data, ['roots', 'add', media, '--label', 'm'], { prefix: asNobody }).code,
        ).toBe(0);
        const scan = runCli(data, ['scan', 'm', '--json'], { prefix: asNobody });
        const lines = jsonLines(scan.stdout);
        const failures = Object.fromEntries(
          lines
            .filter((l) => l.type === 'item.failed')
            .map((l) => [l.item as string, l.reason as string]),
        );
        expect(failures['locked/']).toBe('cannot read folder: permission denied');
        expect(failures['secret.txt']).toBe('cannot read: permission denied');
        expect(lines[lines.length - 1]).toMatchObject({
          state: 'done',
          summary: { files: 2, unreadableFolders: 1, failures: 2 },
        });
      } finally {
        rmSync(shared, { recursive: true, force: true });
      }
    },
  );
});
