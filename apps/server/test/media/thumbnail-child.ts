/**
 * Makes one thumbnail in a process of its own and prints the result with the process's peak
 * memory, so a test can bound the memory a decode takes without the test runner's own.
 *
 *   node --import tsx test/media/thumbnail-child.ts FILE KIND SIZE
 */
import { makeThumbnail, shutdownThumbnailers } from '../../src/media/thumbnail.js';
import { endExiftool } from '../../src/media/exif.js';

const [absPath = '', kind = 'photo', size = '320'] = process.argv.slice(2);
const before = process.resourceUsage().maxRSS;
const made = await makeThumbnail({
  absPath,
  kind: kind === 'video' ? 'video' : 'photo',
  mime: null,
  size: Number(size),
});
const after = process.resourceUsage().maxRSS;
await shutdownThumbnailers();
await endExiftool();
const summary = made.ok
  ? { ok: true, width: made.width, height: made.height }
  : { ok: false, reason: made.reason };
// maxRSS is in KiB.
console.log(JSON.stringify({ ...summary, startRssMiB: before / 1024, peakRssMiB: after / 1024 }));
