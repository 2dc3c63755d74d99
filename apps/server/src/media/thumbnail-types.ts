/** What makeThumbnail takes and gives; in their own file so the decoders can share them. */

export interface ThumbnailRequest {
  absPath: string;
  kind: 'photo' | 'video';
  /** Sniffed from the content at scan time (file-type); null when unknown. */
  mime: string | null;
  /** Long edge in px. */
  size: number;
  /**
   * Videos: what the scan's ffprobe found in this very content (a video stream, this long,
   * nothing wrong). The strip then need not probe again: one process less per clip.
   */
  probed?: ProbedVideo;
}

export interface ProbedVideo {
  durationS: number;
}

export type Thumbnail =
  | {
      ok: true;
      /** WebP. */
      image: Buffer;
      width: number;
      height: number;
      /** Videos: the clip's duration as probed, and how many frames the strip shows. */
      durationS?: number;
      frames?: number;
    }
  | {
      ok: false;
      /** Short, for a placeholder tile: 'corrupt or truncated image', 'empty file', … */
      reason: string;
    };

export type ThumbnailFailure = Extract<Thumbnail, { ok: false }>;

export function failure(reason: string): ThumbnailFailure {
  return { ok: false, reason };
}
