'use client';

import { useQuery } from '@tanstack/react-query';
import { getRoots, queryKeys, type MediaRoot } from '../lib/api';
import { formatBytes, formatCount, formatDateTime, formatRelative, toDate } from '../lib/format';
import { QueryState } from './QueryState';

export function RootsSection() {
  const roots = useQuery({ queryKey: queryKeys.roots, queryFn: getRoots, refetchInterval: 30_000 });
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
                <RootItem key={root.id} root={root} />
              ))}
            </ul>
          ) : (
            <div className="empty">
              <p>
                <strong>No media roots yet.</strong> A root is a folder of photos and videos on the
                NAS that the archiver catalogs.
              </p>
              <p>Add one on the server with:</p>
              <pre className="command">
                <code>pnpm glacier roots add /path --label NAME</code>
              </pre>
            </div>
          )
        }
      </QueryState>
    </section>
  );
}

function RootItem({ root }: { root: MediaRoot }) {
  return (
    <li className="item">
      <div className="item-head">
        <span className="item-title">{root.label}</span>
        <span className={`badge ${root.online ? 'ok' : 'warn'}`}>
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
              scanned{' '}
              <time
                dateTime={toDate(root.lastScanAt).toISOString()}
                title={formatDateTime(root.lastScanAt)}
              >
                {formatRelative(root.lastScanAt)}
              </time>
            </>
          )}
        </span>
      </p>
    </li>
  );
}
