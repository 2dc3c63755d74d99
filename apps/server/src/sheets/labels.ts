/** Text for a tile's two label lines, and the SVG that draws it. */

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Shortens a name to fit a label, keeping its end (the extension and counter matter most). */
export function fitName(name: string, maxChars: number): string {
  if (name.length <= maxChars) return name;
  const keepEnd = Math.min(12, Math.floor(maxChars / 2));
  return `${name.slice(0, maxChars - keepEnd - 1)}…${name.slice(name.length - keepEnd)}`;
}

/** "2024-06-01 12:34" from an ISO capture time, as the camera's clock showed it. */
export function captureLabel(capturedAt: string | null): string {
  if (!capturedAt) return 'no capture date';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(capturedAt);
  return match ? `${match[1]} ${match[2]}` : capturedAt;
}

export function durationLabel(seconds: number): string {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

export function labelSvg(width: number, height: number, line1: string, line2: string): Buffer {
  const font = `font-family="DejaVu Sans, Liberation Sans, sans-serif"`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<text x="${width / 2}" y="16" ${font} font-size="14" font-weight="bold" fill="#f2f2f2" text-anchor="middle">${escapeXml(line1)}</text>` +
      `<text x="${width / 2}" y="34" ${font} font-size="12" fill="#b8b8b8" text-anchor="middle">${escapeXml(line2)}</text>` +
      `</svg>`,
  );
}

/** A placeholder tile: the file could not be shown; say which and why. */
export function placeholderSvg(
  width: number,
  height: number,
  name: string,
  reason: string,
): Buffer {
  const font = `font-family="DejaVu Sans, Liberation Sans, sans-serif"`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" fill="#3a2f2f" stroke="#a05a5a" stroke-dasharray="6 4"/>` +
      `<text x="${width / 2}" y="${height / 2 - 10}" ${font} font-size="15" font-weight="bold" fill="#f0c8c8" text-anchor="middle">${escapeXml(fitName(name, 34))}</text>` +
      `<text x="${width / 2}" y="${height / 2 + 14}" ${font} font-size="13" fill="#e0b0b0" text-anchor="middle">${escapeXml(fitName(reason, 40))}</text>` +
      `</svg>`,
  );
}

/** The duration badge in a video tile's corner. */
export function badgeSvg(text: string): Buffer {
  const width = 12 + text.length * 8;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="22">` +
      `<rect width="${width}" height="22" rx="4" fill="#000" fill-opacity="0.7"/>` +
      `<text x="${width / 2}" y="16" font-family="DejaVu Sans Mono, monospace" font-size="13" fill="#fff" text-anchor="middle">${escapeXml(text)}</text>` +
      `</svg>`,
  );
}
