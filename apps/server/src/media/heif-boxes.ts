import { open, type FileHandle } from 'node:fs/promises';

/**
 * Reads what a HEIF file holds without decoding it: the primary image's size, the sizes of
 * the thumbnails stored for it, and whether the container rotates or mirrors it (irot/imir).
 * libheif's heif-info decodes the images to print this (0.2–0.3 s a photo); the boxes say it
 * in a few hundred bytes. Every length is checked against its parent box: a hostile file gets
 * null, and the caller decodes the primary image as if nothing were known.
 */

export interface HeifLayout {
  width: number;
  height: number;
  /** Stored thumbnails of the primary image, as [width, height]. */
  thumbnails: [number, number][];
  /** The primary image carries irot or imir: libheif turns it, EXIF orientation must not. */
  transformed: boolean;
}

const MAX_TOP_LEVEL_BOXES = 64;
const MAX_META_BYTES = 4 * 1024 * 1024;

export async function readHeifLayout(absPath: string): Promise<HeifLayout | null> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(absPath, 'r');
    const meta = await readMetaBox(handle);
    return meta ? parseMeta(meta) : null;
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/** Walks the top-level boxes (ftyp, meta, mdat…) by their headers and reads the meta box. */
async function readMetaBox(handle: FileHandle): Promise<Buffer | null> {
  const fileSize = (await handle.stat()).size;
  const header = Buffer.alloc(16);
  let offset = 0;
  for (let i = 0; i < MAX_TOP_LEVEL_BOXES && offset + 8 <= fileSize; i++) {
    const { bytesRead } = await handle.read(header, 0, 16, offset);
    if (bytesRead < 8) return null;
    const box = boxHeader(header.subarray(0, bytesRead), fileSize - offset);
    if (!box) return null;
    if (box.type === 'meta') {
      const bodySize = box.size - box.headerSize;
      if (bodySize > MAX_META_BYTES) return null;
      const body = Buffer.alloc(bodySize);
      const read = await handle.read(body, 0, bodySize, offset + box.headerSize);
      return read.bytesRead === bodySize ? body : null;
    }
    offset += box.size;
  }
  return null;
}

interface BoxHeader {
  type: string;
  size: number;
  headerSize: number;
}

/** A box header at the start of `bytes`, with `room` bytes left in its parent. */
function boxHeader(bytes: Buffer, room: number): BoxHeader | null {
  if (bytes.length < 8) return null;
  let size = bytes.readUInt32BE(0);
  const type = bytes.toString('latin1', 4, 8);
  let headerSize = 8;
  if (size === 1) {
    if (bytes.length < 16) return null;
    size = Number(bytes.readBigUInt64BE(8));
    headerSize = 16;
  } else if (size === 0) {
    size = room; // Extends to the end of its parent.
  }
  if (size < headerSize || size > room) return null;
  return { type, size, headerSize };
}

/** The child boxes of a box body, each as its type and body. */
function children(body: Buffer): { type: string; body: Buffer }[] {
  const boxes: { type: string; body: Buffer }[] = [];
  let offset = 0;
  while (offset + 8 <= body.length) {
    const box = boxHeader(body.subarray(offset, offset + 16), body.length - offset);
    if (!box) throw new RangeError('bad box');
    boxes.push({ type: box.type, body: body.subarray(offset + box.headerSize, offset + box.size) });
    offset += box.size;
  }
  return boxes;
}

// ---------------------------------------------------------------------------------------------
// The meta box: pitm (primary item), iref (thmb references), iprp (ispe, irot, imir per item)

function parseMeta(meta: Buffer): HeifLayout | null {
  try {
    // meta is a full box: version and flags first.
    const boxes = children(meta.subarray(4));
    const pitm = boxes.find((b) => b.type === 'pitm');
    const iprp = boxes.find((b) => b.type === 'iprp');
    if (!pitm || !iprp) return null;
    const primary = readItemId(pitm.body);
    const properties = itemProperties(iprp.body);
    const size = imageSize(properties.get(primary) ?? []);
    if (!size) return null;
    const iref = boxes.find((b) => b.type === 'iref');
    const thumbnails = (iref ? thumbnailsOf(iref.body, primary) : [])
      .map((id) => imageSize(properties.get(id) ?? []))
      .filter((s): s is [number, number] => s !== null);
    const transformed = (properties.get(primary) ?? []).some(
      (p) => (p.type === 'irot' && ((p.body[0] ?? 0) & 3) !== 0) || p.type === 'imir',
    );
    return { width: size[0], height: size[1], thumbnails, transformed };
  } catch {
    return null;
  }
}

function readItemId(pitm: Buffer): number {
  const version = pitm.readUInt8(0);
  return version === 0 ? pitm.readUInt16BE(4) : pitm.readUInt32BE(4);
}

/** Items whose 'thmb' reference points at the primary item. */
function thumbnailsOf(iref: Buffer, primary: number): number[] {
  const wide = iref.readUInt8(0) !== 0; // version 1: 32-bit item ids
  const ids: number[] = [];
  for (const ref of children(iref.subarray(4))) {
    if (ref.type !== 'thmb') continue;
    const read = (at: number) => (wide ? ref.body.readUInt32BE(at) : ref.body.readUInt16BE(at));
    const step = wide ? 4 : 2;
    const from = read(0);
    const count = ref.body.readUInt16BE(step);
    for (let i = 0; i < count; i++) {
      if (read(step + 2 + i * step) === primary) ids.push(from);
    }
  }
  return ids;
}

/** Each item's properties: ipco lists them, ipma says which belong to which item (1-based). */
function itemProperties(iprp: Buffer): Map<number, { type: string; body: Buffer }[]> {
  const boxes = children(iprp);
  const ipco = boxes.find((b) => b.type === 'ipco');
  const ipma = boxes.find((b) => b.type === 'ipma');
  const byItem = new Map<number, { type: string; body: Buffer }[]>();
  if (!ipco || !ipma) return byItem;
  const properties = children(ipco.body);
  const version = ipma.body.readUInt8(0);
  const wideIndex = (ipma.body.readUInt8(3) & 1) === 1;
  const entries = ipma.body.readUInt32BE(4);
  let at = 8;
  for (let e = 0; e < entries; e++) {
    const item = version < 1 ? ipma.body.readUInt16BE(at) : ipma.body.readUInt32BE(at);
    at += version < 1 ? 2 : 4;
    const count = ipma.body.readUInt8(at++);
    const list: { type: string; body: Buffer }[] = [];
    for (let a = 0; a < count; a++) {
      const index = wideIndex
        ? ipma.body.readUInt16BE(at) & 0x7fff
        : ipma.body.readUInt8(at) & 0x7f;
      at += wideIndex ? 2 : 1;
      const property = properties[index - 1];
      if (property) list.push(property);
    }
    byItem.set(item, list);
  }
  return byItem;
}

/** ispe: a full box, then width and height as 32-bit integers. */
function imageSize(properties: { type: string; body: Buffer }[]): [number, number] | null {
  const ispe = properties.find((p) => p.type === 'ispe');
  if (!ispe || ispe.body.length < 12) return null;
  const width = ispe.body.readUInt32BE(4);
  const height = ispe.body.readUInt32BE(8);
  return width > 0 && height > 0 ? [width, height] : null;
}
