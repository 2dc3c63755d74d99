'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useRef, useState, type FormEvent } from 'react';
import {
  ApiError,
  addRoot,
  getJobs,
  getRoots,
  queryKeys,
  startScan,
  type JobView,
  type RootSummary,
} from '../lib/api';
import { statusKeys, type RootOverview } from '../lib/api-status';
import { formatBytes, formatCount } from '../lib/format';
import { withItem } from '../lib/lists';
import { QueryState } from './QueryState';
import { browseUrl } from './browse/browse-state';
import { CoverageBar } from './dashboard/CoverageBar';
import { RelativeTime } from './dashboard/RelativeTime';
import coverageStyles from './dashboard/dashboard.module.css';

const ACTIVE_STATES: ReadonlySet<JobView['state']> = new Set(['queued', 'running', 'paused']);

/**
 * The media roots (online or offline, counts, Scan, Browse) and the form that adds one. On the
 * dashboard, `coverage` adds each root's bars: how much of it each destination holds.
 */
export function RootsSection({ coverage }: { coverage?: RootOverview[] | undefined } = {}) {
  const roots = useQuery({
    queryKey: queryKeys.roots,
    queryFn: ({ signal }) => getRoots(signal),
    refetchInterval: 30_000,
  });
  // The same cache entry as the jobs panel: a root shows its running scan.
  const jobs = useQuery({ queryKey: queryKeys.jobList, queryFn: ({ signal }) => getJobs(signal) });
  const activeScans = new Map<number, JobView>();
  for (const job of jobs.data ?? []) {
    const rootId = job.params.rootId;
    if (job.kind === 'scan' && typeof rootId === 'number' && ACTIVE_STATES.has(job.state)) {
      activeScans.set(rootId, job);
    }
  }

  return (
    <section className="panel" aria-labelledby="roots-heading">
      <div className="panel-head">
        <h2 id="roots-heading">Media roots</h2>
        {roots.data && roots.data.length > 0 ? (
          <span className="count">{roots.data.length}</span>
        ) : null}
      </div>
      <QueryState
        isPending={roots.isPending}
        error={roots.error}
        onRetry={() => void roots.refetch()}
      >
        {() =>
          roots.data && roots.data.length > 0 ? (
            <ul className="list" aria-label="Media roots">
              {roots.data.map((root) => (
                <RootItem
                  key={root.id}
                  root={root}
                  activeScan={activeScans.get(root.id)}
                  coverage={coverage?.find((c) => c.id === root.id)}
                />
              ))}
            </ul>
          ) : (
            <div className="empty">
              <p>
                <strong>No media roots yet.</strong> A root is a folder of photos and videos on the
                NAS that the archiver catalogs. Add one below, or on the server with:
              </p>
              <pre className="command">
                <code>pnpm glacier roots add /path --label NAME</code>
              </pre>
            </div>
          )
        }
      </QueryState>
      {roots.data ? <AddRootForm initiallyOpen={roots.data.length === 0} /> : null}
    </section>
  );
}

function RootItem({
  root,
  activeScan,
  coverage,
}: {
  root: RootSummary;
  activeScan: JobView | undefined;
  coverage: RootOverview | undefined;
}) {
  const queryClient = useQueryClient();
  const errorId = useId();
  const scan = useMutation({
    mutationFn: () => startScan(root.label),
    onSuccess: (job) => {
      // Show the queued job at once; the events feed takes it from there.
      queryClient.setQueryData<JobView[]>(queryKeys.jobList, (jobs) =>
        jobs && !jobs.some((j) => j.id === job.id) ? [job, ...jobs] : jobs,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobList, exact: true });
    },
  });

  return (
    <li className="item" aria-label={`Root ${root.label}`}>
      <div className="item-head">
        <span className="item-title">{root.label}</span>
        <span
          className={`badge ${root.online ? 'ok' : 'warn'}`}
          title={
            root.online
              ? 'The folder is reachable'
              : 'The folder cannot be reached (drive unplugged?): the catalog stays browsable'
          }
        >
          {root.online ? 'online' : 'offline'}
        </span>
      </div>
      <p className="path" title={root.path}>
        {root.path}
      </p>
      <p className="meta">
        <span>{formatCount(root.fileCount, 'file')}</span>
        <span>{formatBytes(root.bytes)}</span>
        {root.missingCount > 0 ? (
          <span className="warn-text">{formatCount(root.missingCount, 'missing file')}</span>
        ) : null}
        <span>
          {root.lastScanAt === null ? (
            'never scanned'
          ) : (
            <>
              scanned <RelativeTime at={root.lastScanAt} />
            </>
          )}
        </span>
        {activeScan ? (
          <span className="accent-text">
            scan {activeScan.state} (job #{activeScan.id})
          </span>
        ) : null}
      </p>
      {coverage ? <RootCoverage root={coverage} /> : null}
      <div className="actions">
        <button
          type="button"
          className="button small"
          onClick={() => scan.mutate()}
          disabled={scan.isPending}
          aria-label={`Scan ${root.label}`}
          aria-describedby={scan.error ? errorId : undefined}
        >
          {scan.isPending ? 'Starting…' : 'Scan'}
        </button>
        <Link
          className="button small"
          href={browseUrl({ root: root.label })}
          aria-label={`Browse ${root.label}`}
        >
          Browse
        </Link>
      </div>
      {scan.error ? (
        <p id={errorId} className="form-error" role="alert">
          {scan.error.message}
        </p>
      ) : null}
    </li>
  );
}

/** One bar per destination: the root's files archived there, and those not yet. */
function RootCoverage({ root }: { root: RootOverview }) {
  const total = { files: root.files, bytes: root.bytes };
  if (root.destinations.length === 0 || root.files === 0) {
    return root.files === 0 ? null : (
      <p className="muted small-text">
        Not archived anywhere yet: add a destination in <Link href="/settings/">Settings</Link>.
      </p>
    );
  }
  return (
    <>
      <ul className={coverageStyles.coverageList} aria-label={`Archive coverage of ${root.label}`}>
        {root.destinations.map((d) => (
          <CoverageBar
            key={d.destination}
            name={d.destination}
            label={`${root.label} in ${d.destination}`}
            done={d}
            total={total}
          />
        ))}
      </ul>
      {root.unreadFiles > 0 ? (
        <p className="warn-text small-text">
          {formatCount(root.unreadFiles, 'file')} changed or not read yet: scan before archiving.
        </p>
      ) : null}
    </>
  );
}

/** The last segment of a path, as a label the server accepts (letters, digits, `._-`). */
export function suggestLabel(folder: string): string {
  const base =
    folder
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  return base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
}

function AddRootForm({ initiallyOpen }: { initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const queryClient = useQueryClient();
  const [path, setPath] = useState('');
  const [label, setLabel] = useState('');
  const [labelEdited, setLabelEdited] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const pathRef = useRef<HTMLInputElement>(null);
  const ids = {
    path: useId(),
    label: useId(),
    pathHint: useId(),
    labelHint: useId(),
    error: useId(),
  };

  const mutation = useMutation({
    mutationFn: addRoot,
    onSuccess: (root) => {
      queryClient.setQueryData<RootSummary[]>(queryKeys.roots, (roots) =>
        withItem(roots, root, (r) => r.label),
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.roots });
      void queryClient.invalidateQueries({ queryKey: statusKeys.overview });
      setAdded(root.label);
      setPath('');
      setLabel('');
      setLabelEdited(false);
    },
    onError: () => pathRef.current?.focus(),
  });

  const effectiveLabel = labelEdited ? label : suggestLabel(path);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mutation.isPending) return;
    setAdded(null);
    mutation.mutate({ path: path.trim(), label: effectiveLabel.trim() });
  };

  const error = mutation.error;
  const describedBy = (hint: string) => (error ? `${hint} ${ids.error}` : hint);

  return (
    <details
      className="add-root"
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>
        <h3 id={`${ids.path}-heading`}>Add a media root</h3>
      </summary>
      <form className="add-root-form" onSubmit={onSubmit} aria-labelledby={`${ids.path}-heading`}>
        <div className="add-root-fields">
          <div className="field">
            <label htmlFor={ids.path}>Folder path</label>
            <input
              ref={pathRef}
              id={ids.path}
              name="path"
              type="text"
              inputMode="url"
              autoCapitalize="off"
              autoCorrect="off"
              spellCheck={false}
              required
              placeholder="/mnt/photos"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy(ids.pathHint)}
            />
            <p id={ids.pathHint} className="hint">
              An absolute path on the NAS (as the server sees it).
            </p>
          </div>
          <div className="field">
            <label htmlFor={ids.label}>Label</label>
            <input
              id={ids.label}
              name="label"
              type="text"
              autoCapitalize="off"
              autoCorrect="off"
              spellCheck={false}
              required
              maxLength={64}
              placeholder="Photos"
              value={effectiveLabel}
              onChange={(e) => {
                setLabel(e.target.value);
                setLabelEdited(true);
              }}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy(ids.labelHint)}
            />
            <p id={ids.labelHint} className="hint">
              Names the root here and in the bucket: letters, digits, “.”, “_”, “-”.
            </p>
          </div>
        </div>
        {error ? (
          <p id={ids.error} className="form-error" role="alert">
            {error instanceof ApiError ? error.message : 'Something went wrong. Try again.'}
          </p>
        ) : null}
        {added ? (
          <p className="form-success" role="status">
            Added “{added}”. Scan it to fill the catalog.
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="button primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Adding…' : 'Add root'}
          </button>
        </div>
      </form>
    </details>
  );
}
