/**
 * Reads one file's metadata, says "read", then waits to be killed: the test kills this process
 * with SIGKILL and looks for the exiftool it started.
 *
 *   node --import tsx test/media/exif-child.ts FILE
 */
import { readExif } from '../../src/media/exif.js';

const result = await readExif(process.argv[2] ?? '');
console.log(result.ok ? 'read' : `failed: ${result.reason}`);
setInterval(() => undefined, 60_000);
