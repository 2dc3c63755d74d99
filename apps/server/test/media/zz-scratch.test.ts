import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, it } from 'vitest';
import { endExiftool, readExif } from '../../src/media/exif.js';
import { probeVideo } from '../../src/media/ffmpeg.js';
import { readMediaInfo } from '../../src/media/info.js';
import { SAMPLES_DIR } from '../fixtures/samples.js';

afterAll(endExiftool);
it('survey', async () => {
  for (const d of readdirSync(SAMPLES_DIR)) {
    const dir = path.join(SAMPLES_DIR, d);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      const p = path.join(dir, f);
      const kind = d === 'video' || /\.(mkv|mov)$/.test(f) ? 'video' : 'photo';
      const t = performance.now();
      const info = await readMediaInfo(p, kind);
      const ms = (performance.now() - t).toFixed(0);
      const exif = await readExif(p);
      const probe = kind === 'video' ? await probeVideo(p) : null;
      console.log(`${d}/${f} ${ms}ms\n  info ${JSON.stringify(info)}\n  exif ${JSON.stringify(exif)}${probe ? `\n  probe ${JSON.stringify(probe)}` : ''}`);
    }
  }
});
