'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { getRoots, queryKeys } from '../../lib/api';
import { browseUrl, type BrowseState } from './browse-state';
import { explorerKeys, getFolderChildren } from './explorer-api';
import { Modal } from './Modal';

type Level = { root: null } | { root: string; path: string };

function parentOf(level: Level): Level {
  if (level.root === null) return level;
  if (level.path === '') return { root: null };
  const parts = level.path.split('/');
  return { root: level.root, path: parts.slice(0, -1).join('/') };
}

/**
 * The folder tree on a phone: a full-screen sheet that drills down one level at a time (the
 * roots, offline ones too, then a root's folders, then theirs). A row's name opens that folder;
 * its "›" shows the folders inside without leaving the sheet; "‹" goes up a level.
 */
export function FolderDrillDown({ state }: { state: BrowseState }) {
  const [open, setOpen] = useState(false);
  const [level, setLevel] = useState<Level>({ root: state.root, path: state.path });
  const title = level.root === null ? 'Roots' : level.path.split('/').pop() || level.root;

  return (
    <>
      <button
        type="button"
        className="button small drill-open"
        aria-haspopup="dialog"
        onClick={() => {
          setLevel({ root: state.root, path: state.path });
          setOpen(true);
        }}
      >
        <span aria-hidden="true">☰</span> Folders
      </button>
      <Modal
        open={open}
        title={title}
        closeLabel="folders"
        className="details drill"
        innerClassName="details-inner"
        before={
          level.root !== null ? (
            <button
              type="button"
              className="button small"
              onClick={() => setLevel(parentOf(level))}
            >
              ‹<span className="sr-only"> Up one level</span>
            </button>
          ) : null
        }
        onClosed={() => setOpen(false)}
      >
        {(close) =>
          level.root === null ? (
            <RootLevel onDrill={setLevel} onGo={close} state={state} />
          ) : (
            <FolderLevel
              root={level.root}
              path={level.path}
              state={state}
              onDrill={setLevel}
              onGo={close}
            />
          )
        }
      </Modal>
    </>
  );
}

function RootLevel({
  state,
  onDrill,
  onGo,
}: {
  state: BrowseState;
  onDrill: (level: Level) => void;
  onGo: () => void;
}) {
  const roots = useQuery({ queryKey: queryKeys.roots, queryFn: ({ signal }) => getRoots(signal) });
  if (roots.error) return <p className="form-error">{roots.error.message}</p>;
  if (!roots.data) return <p className="muted">Loading…</p>;
  return (
    <ul className="drill-list" aria-label="Roots">
      {roots.data.map((root) => (
        <DrillRow
          key={root.id}
          name={root.label}
          href={browseUrl({ root: root.label, view: state.view, layout: state.layout })}
          current={state.root === root.label && state.path === ''}
          note={root.online ? undefined : 'offline'}
          onGo={onGo}
          onDrill={() => onDrill({ root: root.label, path: '' })}
        />
      ))}
    </ul>
  );
}

function FolderLevel({
  root,
  path,
  state,
  onDrill,
  onGo,
}: {
  root: string;
  path: string;
  state: BrowseState;
  onDrill: (level: Level) => void;
  onGo: () => void;
}) {
  const children = useQuery({
    queryKey: explorerKeys.folders(root, path),
    queryFn: ({ signal }) => getFolderChildren(root, path, signal),
    staleTime: 60_000,
  });
  if (children.error) return <p className="form-error">{children.error.message}</p>;
  if (!children.data) return <p className="muted">Loading…</p>;
  const here = browseUrl({ root, path, view: state.view, layout: state.layout });
  return (
    <>
      <p>
        <Link className="button small" href={here} onClick={onGo}>
          Open {path ? path.split('/').pop() : root}
        </Link>
      </p>
      {children.data.folders.length === 0 ? (
        <p className="muted">No folders inside.</p>
      ) : (
        <ul className="drill-list" aria-label={`Folders in ${path || root}`}>
          {children.data.folders.map((folder) => (
            <DrillRow
              key={folder.path}
              name={folder.name}
              href={browseUrl({ root, path: folder.path, view: state.view, layout: state.layout })}
              current={state.root === root && state.path === folder.path}
              onGo={onGo}
              onDrill={folder.hasChildren ? () => onDrill({ root, path: folder.path }) : undefined}
            />
          ))}
        </ul>
      )}
    </>
  );
}

function DrillRow({
  name,
  href,
  current,
  note,
  onGo,
  onDrill,
}: {
  name: string;
  href: string;
  current: boolean;
  note?: string | undefined;
  onGo: () => void;
  onDrill: (() => void) | undefined;
}) {
  return (
    <li className="drill-row">
      <Link
        className="drill-link"
        href={href}
        onClick={onGo}
        aria-current={current ? 'page' : undefined}
      >
        {name}
        {note ? <span className="badge warn">{note}</span> : null}
      </Link>
      {onDrill ? (
        <button type="button" className="button small drill-in" onClick={onDrill}>
          ›<span className="sr-only"> Folders in {name}</span>
        </button>
      ) : null}
    </li>
  );
}
