'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { getFile, queryKeys, type FileDetails } from '../../lib/api';
import {
  describeOrientation,
  formatBytes,
  formatCamera,
  formatCapturedAt,
  formatDateTime,
  formatDimensions,
  formatDuration,
  formatExactBytes,
  formatGps,
  humanizeKey,
  toDate,
} from '../../lib/format';
import { CopiesCheck } from './CopiesCheck';
import { FileTags } from './FileTags';

/**
 * The details of one file, in a modal `<dialog>`: a side panel on a desktop, a full-screen
 * sheet on a phone (CSS). Escape, the close button or a click on the backdrop closes it, and
 * the browser returns the focus to the control that opened it.
 */
export function FileDetailsDialog({
  fileId,
  fallbackName,
  onClose,
}: {
  fileId: number | null;
  fallbackName: string | undefined;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  const details = useQuery({
    queryKey: queryKeys.file(fileId ?? -1),
    queryFn: ({ signal }) => getFile(fileId!, signal),
    enabled: fileId !== null,
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (fileId !== null && !dialog.open) dialog.showModal();
    if (fileId === null && dialog.open) dialog.close();
  }, [fileId]);

  const file = details.data;
  const name = file?.name ?? fallbackName ?? 'File';

  return (
    <dialog
      ref={ref}
      className="details"
      aria-labelledby={headingId}
      onClose={onClose}
      onClick={(event) => {
        // A click on the backdrop lands on the dialog element itself.
        if (event.target === event.currentTarget) ref.current?.close();
      }}
    >
      {fileId === null ? null : (
        <div className="details-inner">
          <div className="details-head">
            <h2 id={headingId} className="details-title">
              {name}
            </h2>
            <button
              type="button"
              className="button small"
              onClick={() => ref.current?.close()}
              autoFocus
            >
              Close<span className="sr-only"> details</span>
            </button>
          </div>
          {details.error ? (
            <p className="form-error" role="alert">
              {details.error.message}
            </p>
          ) : !file ? (
            <p className="muted" role="status">
              Loading…
            </p>
          ) : (
            <DetailsBody file={file} />
          )}
        </div>
      )}
    </dialog>
  );
}

const THUMBNAIL_STATES: Record<NonNullable<FileDetails['thumbnail']>['state'], string> = {
  ready: 'made',
  'on-demand': 'made the first time it is shown',
  placeholder: 'cannot be made',
  none: 'none',
};

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="details-row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function DetailsBody({ file }: { file: FileDetails }) {
  const camera = formatCamera(file.cameraMake, file.cameraModel);
  const dimensions = formatDimensions(file.width, file.height, file.orientation);
  const gps = formatGps(file.gpsLat, file.gpsLon);
  return (
    <>
      <FileTags file={file} />
      {file.problem ? (
        <p className="notice warn-notice" role="note">
          <strong>Problem:</strong> {file.problem}
        </p>
      ) : null}
      <dl className="details-list">
        <Row term="Path">
          <span className="path-text">
            {file.root}/{file.path}
          </span>
        </Row>
        <Row term="Size">
          {formatBytes(file.size)} <span className="muted">({formatExactBytes(file.size)})</span>
        </Row>
        <Row term="SHA-256">
          {file.sha256 ? (
            <code className="hash" data-testid="sha256">
              {file.sha256}
            </code>
          ) : (
            <span className="muted">not read yet</span>
          )}
        </Row>
        <Row term="Kind">
          {file.kind}
          {file.mime ? <span className="muted"> · {file.mime}</span> : null}
        </Row>
        <Row term="Captured">{formatCapturedAt(file.capturedAt, true)}</Row>
        {camera ? <Row term="Camera">{camera}</Row> : null}
        {dimensions ? <Row term="Dimensions">{dimensions}</Row> : null}
        {file.orientation !== null && !dimensions ? (
          <Row term="Orientation">{describeOrientation(file.orientation)}</Row>
        ) : null}
        {file.durationS !== null ? (
          <Row term="Duration">{formatDuration(file.durationS)}</Row>
        ) : null}
        {file.codec ? <Row term="Codec">{file.codec}</Row> : null}
        {gps ? (
          <Row term="Location">
            {gps}{' '}
            <a
              href={`https://www.openstreetmap.org/?mlat=${file.gpsLat}&mlon=${file.gpsLon}#map=15/${file.gpsLat}/${file.gpsLon}`}
              target="_blank"
              rel="noreferrer noopener"
            >
              map<span className="sr-only"> (OpenStreetMap, opens a new tab)</span>
            </a>
          </Row>
        ) : null}
        <Row term="Modified">{formatDateTime(file.mtimeMs)}</Row>
        <Row term="State">
          {file.state}
          {file.missingSince !== null ? (
            <span className="muted"> since {formatDateTime(file.missingSince)}</span>
          ) : null}
        </Row>
        {file.movedTo ? (
          <Row term="Moved to">
            <span className="path-text">{file.movedTo.path}</span>
          </Row>
        ) : null}
        {file.movedFrom ? (
          <Row term="Moved from">
            <span className="path-text">{file.movedFrom.path}</span>
          </Row>
        ) : null}
        <Row term="First seen">{formatDateTime(file.firstSeenAt)}</Row>
        {file.thumbnail ? (
          <Row term="Thumbnail">
            <span data-testid="thumbnail-status">{THUMBNAIL_STATES[file.thumbnail.state]}</span>
            {file.thumbnail.reason ? (
              <span className="muted"> · {file.thumbnail.reason}</span>
            ) : null}
          </Row>
        ) : null}
      </dl>
      <CopiesCheck key={file.id} fileId={file.id} />
      <section className="history" aria-labelledby={`history-${file.id}`}>
        <h3 id={`history-${file.id}`}>History</h3>
        {file.history.length === 0 ? (
          <p className="muted">Nothing happened to this file since it was first seen.</p>
        ) : (
          <ol className="history-list">
            {file.history.map((event, i) => (
              <li key={`${event.at}-${i}`}>
                <time dateTime={toDate(event.at).toISOString()}>{formatDateTime(event.at)}</time>{' '}
                <span>{humanizeKey(event.kind)}</span>
                {event.detail ? <span className="muted"> · {event.detail}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
