'use client';

import type { KeyboardEvent } from 'react';
import type { FileView } from '../../lib/api';
import { formatBytes, formatCapturedAt } from '../../lib/format';
import { FileTags } from './FileTags';
import { Thumbnail } from './Thumbnail';

/**
 * The files of one page as thumbnail tiles. Each tile is a button (Tab reaches it, Enter opens
 * the details); the arrow keys move between tiles as they are laid out, Home and End jump to
 * the first and the last.
 */
export function FileGrid({
  files,
  caption,
  onOpen,
}: {
  files: FileView[];
  caption: string;
  onOpen: (file: FileView) => void;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const keys = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'];
    if (!keys.includes(event.key)) return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('.grid-tile')];
    const from = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (from < 0) return;
    // Columns as laid out now: the tiles whose top is the first tile's.
    const top = buttons[0]!.getBoundingClientRect().top;
    const columns = Math.max(
      1,
      buttons.filter((b) => Math.abs(b.getBoundingClientRect().top - top) < 2).length,
    );
    const step: Record<string, number> = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -columns,
      ArrowDown: columns,
      Home: -from,
      End: buttons.length - 1 - from,
    };
    const to = from + step[event.key]!;
    if (to < 0 || to >= buttons.length) return;
    event.preventDefault();
    buttons[to]!.focus();
  };

  return (
    <ul className="file-grid" aria-label={caption} onKeyDown={onKeyDown}>
      {files.map((file) => (
        <li key={file.id} data-file={file.name} className={file.tags.missing ? 'is-missing' : ''}>
          <button type="button" className="grid-tile" onClick={() => onOpen(file)}>
            <Thumbnail file={file} className="grid-thumb" />
            <span className="grid-name file-card-name">{file.name}</span>
            <span className="grid-meta muted">
              {formatBytes(file.size)}
              {file.capturedAt ? ` · ${formatCapturedAt(file.capturedAt)}` : ''}
            </span>
          </button>
          <FileTags file={file} compact />
        </li>
      ))}
    </ul>
  );
}
