'use client';

import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import {
  getDestinations,
  queryKeys,
  startScan,
  startSummarise,
  type BrowseResult,
  type FileView,
  type JobView,
} from '../../lib/api';
import { formatCount } from '../../lib/format';
import { useRememberJob } from '../jobs/useJobActions';
import {
  explorerKeys,
  fileDownloadUrl,
  getFilesPage,
  type FilesPage,
  type ListingKey,
} from './explorer-api';
import { ArchiveDialog, RestoreDialog } from './lazy';
import { PAGE_SIZE, pageOf } from './listing';
import type { RestoreSubject } from './RestoreDialog';
import { ARCHIVE_MAX, downloadSource } from './selection-actions';
import { isAll, selectedCount, selectedIndices, type Selection } from './selection';

/** The most files one restore takes (the API's limit on picked files). */
const RESTORE_MAX = 10_000;
/** Browser downloads started at once: more belong in a restore to a NAS folder. */
const DOWNLOAD_MAX = 50;

export interface ListingScope {
  root: string;
  path: string;
  listing: ListingKey;
  head: BrowseResult;
}

/**
 * The selected rows' files, in order, at most `limit`: from the pages already loaded, the rest
 * asked by offset (1,000 at a time).
 */
async function resolveFiles(
  client: QueryClient,
  { root, listing, head }: ListingScope,
  selection: Selection,
  limit: number,
): Promise<FileView[]> {
  const cached = (i: number) =>
    i < PAGE_SIZE
      ? head.files[i]
      : client.getQueryData<FilesPage>(explorerKeys.page(root, listing, pageOf(i)))?.files[
          i % PAGE_SIZE
        ];
  const indices = selectedIndices(selection, limit);
  const missing = indices.filter((i) => !cached(i));
  const fetched = new Map<number, FileView>();
  for (let k = 0; k < missing.length;) {
    const first = missing[k]!;
    let last = first;
    while (k < missing.length && missing[k]! < first + 1000) last = missing[k++]!;
    const page = await getFilesPage(root, listing, { offset: first }, last - first + 1);
    page.files.forEach((file, j) => fetched.set(first + j, file));
  }
  return indices.flatMap((i) => {
    const file = cached(i) ?? fetched.get(i);
    return file ? [file] : [];
  });
}

/**
 * What can be done to the selected files: a bar at the foot of the screen while anything is
 * selected. Archive to…, Restore… and Download act on exactly the selection; Scan and Summarise
 * act on the folder the files are in (those jobs work folder by folder), and say so.
 */
export function SelectionBar({
  scope,
  selection,
  total,
  fileAt,
  onClear,
}: {
  scope: ListingScope;
  selection: Selection;
  total: number;
  fileAt: (index: number) => FileView | undefined;
  onClear: () => void;
}) {
  const client = useQueryClient();
  const remember = useRememberJob();
  /** The selected files' ids while the archive dialog is open. */
  const [archiving, setArchiving] = useState<number[] | null>(null);
  const [restoring, setRestoring] = useState<RestoreSubject | null>(null);
  const [message, setMessage] = useState<{ text: string; tone: 'ok' | 'error' } | null>(null);
  const [busy, setBusy] = useState(false);
  const count = selectedCount(selection);
  const { root, path } = scope;
  const folderName = path ? path.split('/').pop()! : root;
  const destinations = useQuery({
    queryKey: queryKeys.destinations,
    queryFn: ({ signal }) => getDestinations(signal),
  });

  const started = (what: string) => (job: JobView) => {
    remember(job);
    setMessage({ text: `${what} started: job #${job.id}.`, tone: 'ok' });
  };
  const failed = (error: Error) => setMessage({ text: error.message, tone: 'error' });
  const scan = useMutation({
    mutationFn: () => startScan(root, path),
    onSuccess: started(`Scan of ${folderName}`),
    onError: failed,
  });
  const summarise = useMutation({
    mutationFn: () => startSummarise({ root, path, recursive: false }),
    onSuccess: started(`Summary of ${folderName}`),
    onError: failed,
  });

  // What the loaded part of the selection says about downloads (the rest is checked on click).
  const visible = selectedIndices(selection, 500).flatMap((i) => {
    const file = fileAt(i);
    return file ? [file] : [];
  });
  const list = destinations.data ?? [];
  const noneReadable =
    visible.length === count && visible.every((f) => downloadSource(f, list) === null);
  const noneArchived =
    visible.length === count && visible.every((f) => f.tags.archived.length === 0);

  const restore = async () => {
    setMessage(null);
    const filtered = Boolean(scope.listing.kind || scope.listing.tag || scope.listing.search);
    // All of a folder too big to pick file by file: restore the folder itself.
    if (count > RESTORE_MAX && isAll(selection, total) && !filtered) {
      setRestoring({ kind: 'folder', root, path, files: total });
      return;
    }
    setBusy(true);
    try {
      const files = await resolveFiles(client, scope, selection, RESTORE_MAX);
      setRestoring({ kind: 'files', files, truncated: count > RESTORE_MAX });
    } catch (error) {
      failed(error as Error);
    } finally {
      setBusy(false);
    }
  };

  const archive = async () => {
    setMessage(null);
    if (count > ARCHIVE_MAX) {
      failed(
        new Error(
          `${formatCount(count, 'file')} selected: an archive takes at most ${formatCount(ARCHIVE_MAX, 'picked file')}. Archive the folder instead (Archive to… above the files).`,
        ),
      );
      return;
    }
    setBusy(true);
    try {
      const files = await resolveFiles(client, scope, selection, ARCHIVE_MAX);
      setArchiving(files.map((file) => file.id));
    } catch (error) {
      failed(error as Error);
    } finally {
      setBusy(false);
    }
  };

  const download = async () => {
    setMessage(null);
    setBusy(true);
    try {
      const files = await resolveFiles(client, scope, selection, DOWNLOAD_MAX);
      const ready = files.flatMap((file) => {
        const from = downloadSource(file, list);
        return from ? [{ file, from }] : [];
      });
      for (const { file, from } of ready) {
        const link = document.createElement('a');
        link.href = fileDownloadUrl(file.id, from);
        link.download = file.name;
        link.rel = 'noopener';
        document.body.append(link);
        link.click();
        link.remove();
      }
      const cold = files.length - ready.length;
      const parts = [
        ready.length > 0 ? `Downloading ${formatCount(ready.length, 'file')}.` : '',
        cold > 0
          ? `${formatCount(cold, 'file')} ${cold === 1 ? 'has' : 'have'} no readable copy yet: restore ${cold === 1 ? 'it' : 'them'} first.`
          : '',
        count > DOWNLOAD_MAX
          ? `Only the first ${DOWNLOAD_MAX} go to the browser: restore to a NAS folder for more.`
          : '',
      ];
      setMessage({
        text: parts.filter(Boolean).join(' '),
        tone: ready.length > 0 ? 'ok' : 'error',
      });
    } catch (error) {
      failed(error as Error);
    } finally {
      setBusy(false);
    }
  };

  const folderNote = `Works on the whole folder “${folderName}” (${formatCount(total, 'file')}), as scans and summaries go folder by folder.`;

  return (
    <div className="selection-bar" role="region" aria-label="Selection">
      <div className="selection-bar-inner">
        <p className="selection-count" aria-live="polite">
          <strong>{formatCount(count, 'file')}</strong> selected
          {count === total && total > 1 ? <span className="muted"> (all)</span> : null}
        </p>
        <div className="selection-actions" role="toolbar" aria-label="Actions on the selection">
          <button
            type="button"
            className="button small"
            title={folderNote}
            disabled={scan.isPending}
            onClick={() => scan.mutate()}
          >
            Scan
          </button>
          <button
            type="button"
            className="button small"
            title={folderNote}
            disabled={summarise.isPending}
            onClick={() => summarise.mutate()}
          >
            Summarise
          </button>
          <button
            type="button"
            className="button small"
            aria-haspopup="dialog"
            disabled={busy}
            onClick={() => void archive()}
          >
            Archive to…
          </button>
          <button
            type="button"
            className="button small"
            aria-haspopup="dialog"
            disabled={busy || noneArchived}
            title={noneArchived ? 'None of these files is archived yet' : undefined}
            onClick={() => void restore()}
          >
            Restore…
          </button>
          <button
            type="button"
            className="button small"
            disabled={busy || noneReadable}
            title={noneReadable ? 'No readable copy: restore these files first' : undefined}
            onClick={() => void download()}
          >
            Download
          </button>
          <button type="button" className="button small ghost" onClick={onClear}>
            Clear<span className="sr-only"> the selection</span>
          </button>
        </div>
      </div>
      {message ? (
        <p
          className={message.tone === 'ok' ? 'form-success small-text' : 'form-error small-text'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
        >
          {message.text}{' '}
          {message.tone === 'ok' && /job #/.test(message.text) ? (
            <Link href="/jobs/">Activity</Link>
          ) : null}
        </p>
      ) : null}
      {archiving ? (
        <ArchiveDialog
          open
          root={root}
          path={path}
          folderName={folderName}
          fileIds={archiving}
          onClose={() => setArchiving(null)}
        />
      ) : null}
      {restoring ? <RestoreDialog subject={restoring} onClose={() => setRestoring(null)} /> : null}
    </div>
  );
}
