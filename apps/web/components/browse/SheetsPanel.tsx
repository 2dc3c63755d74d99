'use client';

import { useQuery } from '@tanstack/react-query';
import { getSheets, queryKeys } from '../../lib/api';
import { formatBytes, formatCount, formatDateTime } from '../../lib/format';
import { SheetViewer } from './SheetViewer';

/**
 * The contact sheets of one folder: its pages (GET /api/roots/:label/sheets), one at a time at
 * full size in the zoomable viewer. Every tile names its file and opens its details.
 */
export function SheetsPanel({
  root,
  path,
  page,
  onPage,
  onOpenFile,
}: {
  root: string;
  path: string;
  page: number;
  onPage: (page: number) => void;
  onOpenFile: (file: { id: number; name: string }) => void;
}) {
  const sheets = useQuery({
    queryKey: queryKeys.sheetList(root, path),
    queryFn: ({ signal }) => getSheets(root, path, signal),
  });

  if (sheets.error) {
    return (
      <div className="notice error" role="alert">
        <p>{sheets.error.message}</p>
        <button type="button" className="button small" onClick={() => void sheets.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (!sheets.data) {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  const list = [...sheets.data].sort((a, b) => a.page - b.page);
  if (list.length === 0) {
    return (
      <div className="empty">
        <p>
          <strong>No contact sheets for this folder yet.</strong>{' '}
          <span className="muted">
            Summarise it (above) to lay its photos and videos out on sheets: one look shows what the
            folder holds, and the sheets go along with the archive.
          </span>
        </p>
      </div>
    );
  }
  const current = list.find((s) => s.page === page) ?? list[0]!;
  const tiles = list.reduce((n, s) => n + s.tileCount, 0);

  return (
    <div className="sheets">
      <div className="sheets-head">
        <p className="meta muted">
          <span>{formatCount(list.length, 'page')}</span>
          <span>{formatCount(tiles, 'tile')}</span>
          <span>made {formatDateTime(current.createdAt)}</span>
          <span>
            {current.width} × {current.height} px · {formatBytes(current.bytes)}
          </span>
        </p>
        {list.length > 1 ? (
          <nav aria-label="Sheet pages" className="sheet-pages">
            <ul>
              {list.map((s) => (
                <li key={s.id}>
                  <button
                    type="button"
                    className="button small"
                    aria-current={s.id === current.id ? 'page' : undefined}
                    onClick={() => onPage(s.page)}
                  >
                    <span className="sr-only">Page </span>
                    {s.page}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </div>
      <SheetViewer
        key={current.id}
        sheet={current}
        label={`Contact sheet ${current.page} of ${current.pages}, ${path ? `${root}/${path}` : root}`}
        onOpenFile={onOpenFile}
      />
    </div>
  );
}
