'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { getRoots, queryKeys, type RootSummary } from '../../lib/api';
import { browseUrl, type BrowseState } from './browse-state';
import { explorerKeys, getFolderChildren } from './explorer-api';

const nodeId = (root: string, path: string) => `${root}\u0000${path}`;

/** The folders from the root down to `path`: the ones to open so the current one shows. */
function ancestors(root: string, path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return [
    nodeId(root, ''),
    ...parts.slice(0, -1).map((_, i) => nodeId(root, parts.slice(0, i + 1).join('/'))),
  ];
}

/**
 * The folder tree beside the files (desktop): every root, offline ones too (from the catalog),
 * and their folders, each level asked of the server when it is opened. A WAI-ARIA tree: one
 * item in the Tab order, Up/Down move, Right opens (or goes to the first child), Left closes
 * (or goes to the parent), Home/End, Enter or a click opens the folder.
 */
export function FolderTree({ state }: { state: BrowseState }) {
  const roots = useQuery({ queryKey: queryKeys.roots, queryFn: ({ signal }) => getRoots(signal) });
  const router = useRouter();
  const treeRef = useRef<HTMLUListElement>(null);
  const current = nodeId(state.root, state.path);
  const [expanded, setExpanded] = useState<Set<string>>(
    () => new Set(ancestors(state.root, state.path)),
  );
  const [focused, setFocused] = useState<string>(current);

  // Going to a folder (from the list, the breadcrumb or back) opens the tree down to it.
  useEffect(() => {
    setExpanded((open) => {
      const wanted = ancestors(state.root, state.path).filter((id) => !open.has(id));
      return wanted.length === 0 ? open : new Set([...open, ...wanted]);
    });
    setFocused(nodeId(state.root, state.path));
  }, [state.root, state.path]);

  const toggle = (id: string, open?: boolean) =>
    setExpanded((was) => {
      const next = new Set(was);
      if (open ?? !was.has(id)) next.add(id);
      else next.delete(id);
      return next;
    });

  const go = (root: string, path: string) => {
    router.push(browseUrl({ root, path, view: state.view, layout: state.layout }));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(treeRef.current?.querySelectorAll<HTMLElement>('[role="treeitem"]') ?? [])];
    const item = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    const at = item ? items.indexOf(item) : -1;
    if (!item || at < 0) return;
    const id = item.dataset.node!;
    const isOpen = item.getAttribute('aria-expanded') === 'true';
    const hasChildren = item.hasAttribute('aria-expanded');
    const move = (to: HTMLElement | undefined) => {
      if (!to) return;
      setFocused(to.dataset.node!);
      to.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        move(items[at + 1]);
        break;
      case 'ArrowUp':
        move(items[at - 1]);
        break;
      case 'Home':
        move(items[0]);
        break;
      case 'End':
        move(items.at(-1));
        break;
      case 'ArrowRight':
        if (hasChildren && !isOpen) toggle(id, true);
        else if (isOpen) move(items[at + 1]);
        break;
      case 'ArrowLeft':
        if (isOpen) toggle(id, false);
        else move(item.parentElement?.closest<HTMLElement>('[role="treeitem"]') ?? undefined);
        break;
      case 'Enter':
      case ' ':
        go(item.dataset.root!, item.dataset.path!);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const list = roots.data ?? [];
  // Whatever had the focus may have gone (a folder closed above it): the current folder, or the
  // first root, takes the Tab stop then.
  const tabStop = (id: string, index: number) =>
    id === focused || (index === 0 && !treeHas(treeRef.current, focused));

  return (
    <nav className="tree-panel" aria-label="Folder tree">
      {roots.error ? (
        <p className="form-error small-text" role="alert">
          {roots.error.message}
        </p>
      ) : !roots.data ? (
        <p className="muted small-text" role="status">
          Loading…
        </p>
      ) : (
        <ul className="tree" role="tree" aria-label="Folders" ref={treeRef} onKeyDown={onKeyDown}>
          {list.map((root, i) => (
            <TreeNode
              key={root.id}
              root={root.label}
              path=""
              name={root.label}
              level={1}
              hasChildren
              offline={!root.online}
              expanded={expanded}
              current={current}
              tabStop={tabStop}
              index={i}
              onToggle={toggle}
              onGo={go}
              onFocusItem={setFocused}
              rootInfo={root}
            />
          ))}
        </ul>
      )}
    </nav>
  );
}

function treeHas(tree: HTMLElement | null, id: string): boolean {
  if (!tree) return true;
  return [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')].some(
    (el) => el.dataset.node === id,
  );
}

interface NodeProps {
  root: string;
  path: string;
  name: string;
  level: number;
  hasChildren: boolean;
  offline?: boolean;
  expanded: Set<string>;
  current: string;
  tabStop: (id: string, index: number) => boolean;
  index: number;
  onToggle: (id: string, open?: boolean) => void;
  onGo: (root: string, path: string) => void;
  onFocusItem: (id: string) => void;
  rootInfo?: RootSummary;
}

function TreeNode(props: NodeProps) {
  const { root, path, name, level, hasChildren, expanded, current } = props;
  const id = nodeId(root, path);
  const open = hasChildren && expanded.has(id);
  const labelId = useId();
  const isCurrent = id === current;
  return (
    <li
      role="treeitem"
      className="tree-item"
      aria-labelledby={labelId}
      aria-level={level}
      aria-expanded={hasChildren ? open : undefined}
      aria-selected={isCurrent}
      aria-current={isCurrent ? 'page' : undefined}
      tabIndex={props.tabStop(id, props.index) ? 0 : -1}
      data-node={id}
      data-root={root}
      data-path={path}
      onFocus={(event) => {
        if (event.target === event.currentTarget) props.onFocusItem(id);
      }}
      onClick={(event) => {
        event.stopPropagation();
        props.onToggle(id, true);
        props.onGo(root, path);
      }}
    >
      <span
        className={`tree-row${isCurrent ? ' is-current' : ''}`}
        style={{ paddingLeft: `${(level - 1) * 0.9}rem` }}
      >
        <span
          className="tree-twisty"
          aria-hidden="true"
          onClick={(event) => {
            // The arrow only opens or closes; the name goes to the folder.
            event.stopPropagation();
            if (hasChildren) props.onToggle(id);
          }}
        >
          {hasChildren ? (open ? '▾' : '▸') : ''}
        </span>
        <span id={labelId} className="tree-label">
          {name}
          {props.offline ? <span className="sr-only"> (offline)</span> : null}
        </span>
        {props.offline ? (
          <span className="badge warn tree-badge" aria-hidden="true">
            offline
          </span>
        ) : null}
      </span>
      {open ? <TreeChildren {...props} /> : null}
    </li>
  );
}

function TreeChildren(props: NodeProps) {
  const { root, path, level } = props;
  const children = useQuery({
    queryKey: explorerKeys.folders(root, path),
    queryFn: ({ signal }) => getFolderChildren(root, path, signal),
    staleTime: 60_000,
  });
  if (children.error) {
    return (
      <ul role="group">
        <li role="none" className="tree-note form-error small-text">
          {children.error.message}
        </li>
      </ul>
    );
  }
  if (!children.data) {
    return (
      <ul role="group">
        <li
          role="none"
          className="tree-note muted small-text"
          style={{ paddingLeft: `${level * 0.9 + 1.2}rem` }}
        >
          Loading…
        </li>
      </ul>
    );
  }
  if (children.data.folders.length === 0) return null;
  return (
    <ul role="group">
      {children.data.folders.map((folder) => (
        <TreeNode
          key={folder.path}
          {...props}
          path={folder.path}
          name={folder.name}
          level={level + 1}
          hasChildren={folder.hasChildren}
          offline={false}
          index={-1}
          rootInfo={undefined}
        />
      ))}
    </ul>
  );
}
