'use client';

import Link from 'next/link';
import { useId, useState } from 'react';
import type { JobView } from '../../lib/api';
import { formatEta, formatPercent, formatRate } from '../../lib/format';
import { jobTitle, readProgress } from '../../lib/jobs';
import { ArchiveDialog } from './lazy';
import { useFolderJobs } from './useFolderJobs';

/**
 * What can be done to the folder on screen (or the whole root): make its contact sheets, and
 * archive it to a destination. A running summarise or archive of this root shows its progress.
 */
export function FolderActions({
  root,
  path,
  folderName,
  online,
}: {
  root: string;
  path: string;
  folderName: string;
  online: boolean;
}) {
  const { summariseJob, archiveJob, summarise } = useFolderJobs(root, path);
  const [recursive, setRecursive] = useState(false);
  const [archiving, setArchiving] = useState(false);
  const errorId = useId();
  const offline = online ? undefined : 'The root is offline: plug it in first';

  return (
    <section className="folder-actions" aria-label="Folder actions">
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => summarise.mutate(recursive)}
          disabled={summarise.isPending || summariseJob !== undefined || !online}
          title={offline}
          aria-describedby={summarise.error ? errorId : undefined}
        >
          {summarise.isPending ? 'Starting…' : summariseJob ? 'Summarising…' : 'Summarise'}
          <span className="sr-only"> {folderName}</span>
        </button>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={recursive}
            onChange={(e) => setRecursive(e.target.checked)}
          />
          with subfolders
        </label>
        <button
          type="button"
          className="button primary"
          onClick={() => setArchiving(true)}
          disabled={!online}
          title={offline}
          aria-haspopup="dialog"
        >
          Archive to…<span className="sr-only"> ({folderName})</span>
        </button>
      </div>
      {summarise.error ? (
        <p id={errorId} className="form-error" role="alert">
          {summarise.error.message}
        </p>
      ) : null}
      {summariseJob ? <FolderJobProgress job={summariseJob} /> : null}
      {archiveJob ? <FolderJobProgress job={archiveJob} /> : null}
      {archiving ? (
        <ArchiveDialog
          open
          root={root}
          path={path}
          folderName={folderName}
          onClose={() => setArchiving(false)}
        />
      ) : null}
    </section>
  );
}

/** A one-line live view of a job of this root, with a link to the tracker. */
function FolderJobProgress({ job }: { job: JobView }) {
  const title = jobTitle(job);
  const p = readProgress(job.progress);
  return (
    <div className="folder-job" data-testid={`folder-${job.kind}`} data-state={job.state}>
      <p className="meta">
        <span className="item-title">{title}</span>
        <span className="badge accent">{p.phase ?? job.state}</span>
        {p.filesDone !== null && p.filesTotal !== null ? (
          <span>
            {p.filesDone} / {p.filesTotal} files
          </span>
        ) : null}
        {p.fraction !== null ? <span>{formatPercent(p.fraction)}</span> : null}
        {p.bytesPerSecond !== null ? <span>{formatRate(p.bytesPerSecond)}</span> : null}
        {p.etaSeconds !== null ? <span>{formatEta(p.etaSeconds)} left</span> : null}
        <Link href="/jobs/">Activity</Link>
      </p>
      {p.fraction !== null ? (
        <progress className="bar" aria-label={`${title} progress`} value={p.fraction} max={1} />
      ) : (
        <progress className="bar" aria-label={`${title} progress`} />
      )}
    </div>
  );
}
