'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import {
  ApiError,
  browse,
  getRoots,
  queryKeys,
  type BrowseTag,
  type FileKind,
  type FileSort,
  type SortOrder,
} from '../../lib/api';
import { formatBytes, formatCount } from '../../lib/format';
import { PHONE_QUERY, useMediaQuery } from '../../lib/media-query';
import {
  KIND_LABELS,
  SORT_LABELS,
  TAG_LABELS,
  browseUrl,
  crumbs,
  listingOf,
  readBrowseState,
  toQuery,
  type BrowseState,
  type BrowseViewKind,
  type FileLayout,
} from './browse-state';
import { FilesPanel } from './FilesPanel';
import { FileDetailsDialog, FolderDrillDown, FolderTree, SheetsPanel } from './lazy';
import { FolderActions } from './FolderActions';
import { useRestoreEndRefresh } from './useRestoreEndRefresh';

const SEARCH_DELAY_MS = 300;

/** `/browse/?root=LABEL&path=REL…`: one folder of a root, from the catalog. */
export function BrowseView() {
  const params = useSearchParams();
  const state = readBrowseState(params);
  const router = useRouter();
  const phone = useMediaQuery(PHONE_QUERY);
  const [openFile, setOpenFile] = useState<{ id: number; name: string } | null>(null);

  useRestoreEndRefresh();
  const query = toQuery(state);
  const listing = useQuery({
    queryKey: queryKeys.browseFolder(state.root, query),
    queryFn: ({ signal }) => browse(state.root, query, signal),
    enabled: state.root !== '',
    // Paging, sorting and filtering keep the old rows on screen until the new ones arrive;
    // another folder starts blank.
    placeholderData: (previous, previousQuery) => {
      const key = previousQuery?.queryKey;
      return key && key[1] === state.root && key[2].path === state.path ? previous : undefined;
    },
  });

  /** Filters and sorting replace the history entry. */
  const update = (change: Partial<BrowseState>) =>
    router.replace(browseUrl({ ...state, ...change }), { scroll: false });

  if (!state.root) return <RootPicker />;

  const data = listing.data;
  const folderName = state.path ? state.path.split('/').pop()! : state.root;
  const filtered = Boolean(state.search || state.kind || state.tag);
  const caption = `Files in ${state.path ? `${state.root}/${state.path}` : state.root}, sorted by ${SORT_LABELS[state.sort].toLowerCase()}`;
  const listingKey = listingOf(state);
  // Rows of another order or filter (kept on screen while the new ones load) have no pages.
  const current = data && !listing.isPlaceholderData;

  return (
    <main className={`browse${phone ? '' : ' has-tree'}`}>
      {phone ? null : <FolderTree state={state} />}
      <div className="explorer-main">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <ol>
            <li>
              <Link href="/">Roots</Link>
            </li>
            <li>
              {state.path ? (
                <Link href={browseUrl({ root: state.root })}>{state.root}</Link>
              ) : (
                <span aria-current="page">{state.root}</span>
              )}
            </li>
            {crumbs(state.path).map((crumb, i, all) => (
              <li key={crumb.path}>
                {i < all.length - 1 ? (
                  <Link href={browseUrl({ root: state.root, path: crumb.path })}>{crumb.name}</Link>
                ) : (
                  <span aria-current="page">{crumb.name}</span>
                )}
              </li>
            ))}
          </ol>
        </nav>

        <div className="browse-head">
          <h1>{folderName}</h1>
          {data ? (
            <span className={`badge ${data.online ? 'ok' : 'warn'}`}>
              {data.online ? 'online' : 'offline'}
            </span>
          ) : null}
          {phone ? <FolderDrillDown state={state} /> : null}
        </div>

        {data ? (
          <FolderActions
            root={state.root}
            path={state.path}
            folderName={folderName}
            online={data.online}
          />
        ) : null}

        {data && !data.online ? (
          <p className="notice warn-notice" role="status">
            <strong>Offline — showing the catalog.</strong> The folder of “{state.root}” cannot be
            reached right now (an unplugged drive?). What you see is what the last scan recorded.
          </p>
        ) : null}

        {listing.error && !data ? (
          <div className="notice error" role="alert">
            <p>{listing.error.message}</p>
            {listing.error instanceof ApiError && listing.error.status === 404 ? (
              <Link href={state.path ? browseUrl({ root: state.root }) : '/'}>
                {state.path ? `Back to the top of ${state.root}` : 'Back to the dashboard'}
              </Link>
            ) : (
              <button type="button" className="button small" onClick={() => void listing.refetch()}>
                Try again
              </button>
            )}
          </div>
        ) : !data ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : (
          <>
            {data.folders.length > 0 ? (
              <section className="panel" aria-labelledby="folders-heading">
                <div className="panel-head">
                  <h2 id="folders-heading">Folders</h2>
                  <span className="count">{data.folders.length}</span>
                </div>
                <ul className="folder-grid">
                  {data.folders.map((folder) => (
                    <li key={folder.path}>
                      <Link
                        className="folder-card"
                        href={browseUrl({
                          root: state.root,
                          path: folder.path,
                          view: state.view,
                          layout: state.layout,
                        })}
                      >
                        <span className="folder-name">
                          <FolderIcon />
                          {folder.name}
                        </span>
                        <span className="meta muted">
                          <span>{formatCount(folder.fileCount, 'file')}</span>
                          <span>{formatBytes(folder.bytes)}</span>
                          {folder.missingCount > 0 ? (
                            <span className="warn-text">{folder.missingCount} missing</span>
                          ) : null}
                        </span>
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}

            <ViewTabs view={state.view} onChange={(view) => update({ view })} />
            {state.view === 'sheets' ? (
              <section
                className="panel"
                role="tabpanel"
                id="browse-panel-sheets"
                aria-labelledby="browse-tab-sheets"
              >
                <SheetsPanel
                  root={state.root}
                  path={state.path}
                  page={state.sheet}
                  onPage={(sheet) => update({ sheet })}
                  onOpenFile={setOpenFile}
                />
              </section>
            ) : (
              <section
                className="panel"
                role="tabpanel"
                id="browse-panel-files"
                aria-labelledby="browse-tab-files"
              >
                <div className="panel-head">
                  <h2 id="files-heading">Files</h2>
                  <span className="count">{data.total}</span>
                  {listing.isFetching ? (
                    <span className="muted small-text" role="status">
                      Updating…
                    </span>
                  ) : null}
                  <LayoutToggle layout={state.layout} onChange={(layout) => update({ layout })} />
                </div>
                <Toolbar state={state} update={update} filtered={filtered} />
                {data.files.length === 0 ? (
                  <div className="empty">
                    <p className="muted">
                      {filtered
                        ? 'No file here matches these filters.'
                        : data.folders.length > 0
                          ? 'No files directly in this folder: open a subfolder.'
                          : 'No files in this folder.'}
                    </p>
                  </div>
                ) : (
                  <FilesPanel
                    // Another folder, filter or order is another list: its own selection and rows.
                    key={`${state.root}\u0000${JSON.stringify(listingKey)}${current ? '' : '\u0000old'}`}
                    root={state.root}
                    path={state.path}
                    listing={listingKey}
                    head={data}
                    paged={Boolean(current)}
                    layout={state.layout === 'grid' ? 'grid' : phone ? 'cards' : 'table'}
                    phone={phone}
                    caption={caption}
                    sort={state.sort}
                    order={state.order}
                    onSort={(sort, order) => update({ sort, order })}
                    onOpen={setOpenFile}
                  />
                )}
              </section>
            )}
          </>
        )}
      </div>

      {openFile ? (
        <FileDetailsDialog
          fileId={openFile.id}
          fallbackName={openFile.name}
          onClose={() => setOpenFile(null)}
        />
      ) : null}
    </main>
  );
}

const VIEW_TABS: [BrowseViewKind, string][] = [
  ['files', 'Files'],
  ['sheets', 'Sheets'],
];

/** Files or contact sheets: tabs (the arrow keys move between them, as in any tab list). */
function ViewTabs({
  view,
  onChange,
}: {
  view: BrowseViewKind;
  onChange: (view: BrowseViewKind) => void;
}) {
  return (
    <div className="tabs" role="tablist" aria-label="Show the folder as">
      {VIEW_TABS.map(([value, label], i) => (
        <button
          key={value}
          type="button"
          role="tab"
          id={`browse-tab-${value}`}
          aria-selected={view === value}
          aria-controls={`browse-panel-${value}`}
          tabIndex={view === value ? 0 : -1}
          className="tab"
          onClick={() => onChange(value)}
          onKeyDown={(event) => {
            if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
            event.preventDefault();
            const next = VIEW_TABS[(i + (event.key === 'ArrowRight' ? 1 : -1) + 2) % 2]![0];
            onChange(next);
            document.getElementById(`browse-tab-${next}`)?.focus();
          }}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/** A table (cards on a phone) or a grid of thumbnails. */
function LayoutToggle({
  layout,
  onChange,
}: {
  layout: FileLayout;
  onChange: (layout: FileLayout) => void;
}) {
  return (
    <div className="segmented-buttons" role="group" aria-label="Layout">
      {(
        [
          ['list', 'List'],
          ['grid', 'Grid'],
        ] as const
      ).map(([value, label]) => (
        <button
          key={value}
          type="button"
          className="button small"
          aria-pressed={layout === value}
          onClick={() => onChange(value)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/** `/browse/` without a root: which one? */
function RootPicker() {
  const roots = useQuery({ queryKey: queryKeys.roots, queryFn: ({ signal }) => getRoots(signal) });
  return (
    <main className="browse">
      <div className="browse-head">
        <h1>Browse</h1>
      </div>
      {roots.error ? (
        <p role="alert" className="form-error">
          {roots.error.message}
        </p>
      ) : !roots.data ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : roots.data.length === 0 ? (
        <p className="muted">
          No media roots yet: add one on the <Link href="/">home page</Link>.
        </p>
      ) : (
        <ul className="folder-grid" aria-label="Media roots">
          {roots.data.map((root) => (
            <li key={root.id}>
              <Link className="folder-card" href={browseUrl({ root: root.label })}>
                <span className="folder-name">
                  <FolderIcon />
                  {root.label}
                </span>
                <span className="meta muted">
                  <span>{formatCount(root.fileCount, 'file')}</span>
                  <span>{formatBytes(root.bytes)}</span>
                  <span className={root.online ? undefined : 'warn-text'}>
                    {root.online ? 'online' : 'offline'}
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function Toolbar({
  state,
  update,
  filtered,
}: {
  state: BrowseState;
  update: (change: Partial<BrowseState>) => void;
  filtered: boolean;
}) {
  const ids = { search: useId(), kind: useId(), tag: useId(), sort: useId(), order: useId() };
  const [search, setSearch] = useState(state.search);
  const typed = useRef(false);
  const latest = useRef(update);
  latest.current = update;

  // The URL is the truth: follow it when it changes from elsewhere (back, clear filters).
  useEffect(() => {
    if (!typed.current) setSearch(state.search);
  }, [state.search]);

  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => {
      typed.current = false;
      if (search.trim() !== state.search) latest.current({ search: search.trim() });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, state.search]);

  return (
    <div className="toolbar" role="search" aria-label="Filter and sort the files">
      <div className="toolbar-field grow">
        <label htmlFor={ids.search}>Search names</label>
        <input
          id={ids.search}
          type="search"
          placeholder="IMG_2041, .mov …"
          value={search}
          enterKeyHint="search"
          onChange={(e) => {
            typed.current = true;
            setSearch(e.target.value);
          }}
        />
      </div>
      <div className="toolbar-field">
        <label htmlFor={ids.kind}>Kind</label>
        <select
          id={ids.kind}
          value={state.kind ?? ''}
          onChange={(e) => update({ kind: (e.target.value || undefined) as FileKind | undefined })}
        >
          <option value="">All kinds</option>
          {Object.entries(KIND_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="toolbar-field">
        <label htmlFor={ids.tag}>Tag</label>
        <select
          id={ids.tag}
          value={state.tag ?? ''}
          onChange={(e) => update({ tag: (e.target.value || undefined) as BrowseTag | undefined })}
        >
          <option value="">Any</option>
          {Object.entries(TAG_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="toolbar-field">
        <label htmlFor={ids.sort}>Sort by</label>
        <select
          id={ids.sort}
          value={state.sort}
          onChange={(e) => update({ sort: e.target.value as FileSort })}
        >
          {Object.entries(SORT_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="toolbar-field">
        <label htmlFor={ids.order}>Order</label>
        <select
          id={ids.order}
          value={state.order}
          onChange={(e) => update({ order: e.target.value as SortOrder })}
        >
          <option value="asc">Ascending</option>
          <option value="desc">Descending</option>
        </select>
      </div>
      {filtered ? (
        <button
          type="button"
          className="button small toolbar-clear"
          onClick={() => {
            typed.current = false;
            setSearch('');
            update({ search: '', kind: undefined, tag: undefined });
          }}
        >
          Clear filters
        </button>
      ) : null}
    </div>
  );
}

function FolderIcon() {
  return (
    <svg className="folder-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M3 6.5A2.5 2.5 0 0 1 5.5 4h4.09a2 2 0 0 1 1.41.59L12.41 6H18.5A2.5 2.5 0 0 1 21 8.5v9a2.5 2.5 0 0 1-2.5 2.5h-13A2.5 2.5 0 0 1 3 17.5v-11Z"
      />
    </svg>
  );
}
