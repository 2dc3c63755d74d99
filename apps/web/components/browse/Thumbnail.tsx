'use client';

import { useState } from 'react';
import { thumbnailProblem, thumbnailUrl, type FileView } from '../../lib/api';

/** "JPG", "MP4": what a placeholder shows in place of a picture. */
function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1, dot + 5).toUpperCase() : 'FILE';
}

/**
 * A file's thumbnail (GET /api/files/:id/thumbnail, made on demand and cached by the server).
 * When there is none a neutral tile stands in, with the reason as its title: the listing says
 * so for files that cannot have one (not a photo or a video, not read yet, undecodable), and
 * those are not asked; otherwise a 404 (say, an undecodable file found on the way) asks the
 * server once for its reason.
 */
export function Thumbnail({ file, className = '' }: { file: FileView; className?: string }) {
  const [problem, setProblem] = useState<{ src: string; reason: string } | null>(null);
  const src = thumbnailUrl(file.id);
  const media = file.kind === 'photo' || file.kind === 'video';
  const known = file.thumbnail;
  const reason =
    known && (known.state === 'none' || known.state === 'placeholder')
      ? (known.reason ?? `${file.name}: no thumbnail`)
      : !media
        ? `${file.name}: no thumbnail (not a photo or a video)`
        : problem?.src === src
          ? problem.reason
          : null;

  if (reason !== null) {
    return (
      <span className={`thumb thumb-placeholder ${className}`} title={reason} data-thumb="none">
        <span aria-hidden="true">{extension(file.name)}</span>
      </span>
    );
  }
  return (
    <span className={`thumb ${className}`} data-thumb="image">
      <img
        src={src}
        alt=""
        loading="lazy"
        decoding="async"
        draggable={false}
        onError={() => {
          void thumbnailProblem(file.id).then((why) => setProblem({ src, reason: why }));
        }}
      />
    </span>
  );
}
