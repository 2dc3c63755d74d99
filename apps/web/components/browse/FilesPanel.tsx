'use client';

import { useQueries } from '@tanstack/react-query';
import { defaultRangeExtractor, useWindowVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';
import type { BrowseResult, FileSort, FileView, SortOrder } from '../../lib/api';
import { formatBytes, formatCamera, formatCapturedAt } from '../../lib/format';
import { SORT_LABELS } from './browse-state';
import { explorerKeys, getFilesPage, type FilesPage, type ListingKey } from './explorer-api';
import { BreakableName } from './BreakableName';
import { FileTags } from './FileTags';
import { SelectionBar } from './lazy';
import { PAGE_SIZE, pageOf, pageRequest, pagesFor } from './listing';
import {
  EMPTY_SELECTION,
  applyClick,
  applyKey,
  clampTo,
  clickIntent,
  extendTo,
  isSelected,
  selectedCount,
  toggle,
  type Selection,
} from './selection';
import { Thumbnail } from './Thumbnail';
import { useLongPress } from './useLongPress';

export type FilesLayout = 'table' | 'cards' | 'grid';

const KIND_NAMES: Record<FileView['kind'], string> = {
  photo: 'photo',
  video: 'video',
  sidecar: 'sidecar',
  other: 'other',
};

/** Estimated heights before a row is measured, and the gaps between rows (px). */
const ROW_ESTIMATE: Record<FilesLayout, number> = { table: 57, cards: 96, grid: 230 };

function gridGeometry(width: number, phone: boolean) {
  const min = phone ? 120 : 160;
  const gap = phone ? 8 : 12;
  const columns = Math.max(1, Math.floor((width + gap) / (min + gap)));
  return { columns, gap, tile: (width - gap * (columns - 1)) / columns };
}

/**
 * A folder's files as a virtual list: however many there are (100,000 in one folder), only the
 * rows on screen are in the page, and only their pages are asked of the server (first page
 * from the folder's own answer; the rest by cursor, or by offset for a jump). The page itself
 * scrolls (not an inner box), so a phone's browser bars hide as usual.
 *
 * Selection: Ctrl/⌘-click or a row's checkbox toggles, Shift-click selects a range, a long
 * press on a touch screen starts selecting (then a tap toggles); the keyboard as `applyKey`
 * says. A plain click or Enter opens the file's details.
 */
export function FilesPanel({
  root,
  path,
  listing,
  head,
  paged,
  layout,
  phone,
  caption,
  sort,
  order,
  onSort,
  onOpen,
}: {
  root: string;
  path: string;
  listing: ListingKey;
  head: BrowseResult;
  /** False while `head` is an earlier listing's, shown until the new one arrives. */
  paged: boolean;
  layout: FilesLayout;
  phone: boolean;
  caption: string;
  sort: FileSort;
  order: SortOrder;
  onSort: (sort: FileSort, order: SortOrder) => void;
  onOpen: (file: FileView) => void;
}) {
  const total = head.total;
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const pendingFocus = useRef<number | null>(null);
  const listRef = useRef<HTMLElement | null>(null);
  const [width, setWidth] = useState(0);
  const [scrollMargin, setScrollMargin] = useState(0);

  // A rescan may shorten the listing under the selection.
  useEffect(() => setSelection((s) => clampTo(s, total)), [total]);

  // The list's width (grid columns) and its place on the page (the virtualizer's origin).
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const measure = () => {
      setWidth(el.clientWidth);
      const top = Math.round(el.getBoundingClientRect().top + window.scrollY);
      setScrollMargin((was) => (Math.abs(was - top) > 1 ? top : was));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [layout]);

  const grid = gridGeometry(width || 320, phone);
  const columns = layout === 'grid' ? grid.columns : 1;
  const rowCount = Math.ceil(total / columns);
  const focusRow = focusIndex === null ? null : Math.floor(focusIndex / columns);

  const virtualizer = useWindowVirtualizer({
    count: rowCount,
    estimateSize: () => (layout === 'grid' ? grid.tile + 84 : ROW_ESTIMATE[layout]),
    overscan: 8,
    gap: layout === 'cards' ? 8 : layout === 'grid' ? grid.gap : 0,
    scrollMargin,
    // The focused row stays rendered while it scrolls away, so the focus is never lost.
    rangeExtractor: useCallback(
      (range: Parameters<typeof defaultRangeExtractor>[0]) => {
        const rows = defaultRangeExtractor(range);
        if (focusRow !== null && focusRow < range.count && !rows.includes(focusRow)) {
          rows.push(focusRow);
          rows.sort((a, b) => a - b);
        }
        return rows;
      },
      [focusRow],
    ),
  });
  // A new number of columns moves every row: forget the measured heights.
  useEffect(() => virtualizer.measure(), [columns, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const firstRow = items[0]?.index ?? 0;
  const lastRow = items.at(-1)?.index ?? 0;

  // The pages under the rows on screen (the first one came with the folder).
  const pages = pagesFor(firstRow * columns, (lastRow + 1) * columns - 1, total).filter(
    (p) => p > 0,
  );
  const results = useQueries({
    queries: pages.map((page) => ({
      queryKey: explorerKeys.page(root, listing, page),
      queryFn: ({ signal, client }) => {
        const links = (p: number) =>
          p === 0
            ? { nextCursor: head.nextCursor ?? null, prevCursor: null }
            : client.getQueryData<FilesPage>(explorerKeys.page(root, listing, p));
        const request = pageRequest(page, total, links);
        if (!request)
          return Promise.resolve<FilesPage>({ files: [], nextCursor: null, prevCursor: null });
        return getFilesPage(
          root,
          listing,
          'cursor' in request ? { cursor: request.cursor } : { offset: request.offset },
          PAGE_SIZE,
          signal,
        );
      },
      enabled: paged,
      staleTime: 30_000,
    })),
  });
  const loaded = new Map<number, FilesPage | undefined>(
    pages.map((page, i) => [page, results[i]?.data]),
  );
  const fileAt = (index: number): FileView | undefined =>
    index < PAGE_SIZE ? head.files[index] : loaded.get(pageOf(index))?.files[index % PAGE_SIZE];

  // Keyboard moves ask for a row that may not be rendered yet: focus it once it is.
  useEffect(() => {
    const want = pendingFocus.current;
    if (want === null) return;
    const el = listRef.current?.querySelector<HTMLElement>(
      `[data-row-index="${want}"] [data-focus-target]`,
    );
    if (el) {
      pendingFocus.current = null;
      el.focus({ preventScroll: true });
    }
  });

  const moveFocus = (index: number) => {
    pendingFocus.current = index;
    setFocusIndex(index);
    virtualizer.scrollToIndex(Math.floor(index / columns), { align: 'auto' });
  };

  const indexOf = (target: EventTarget | null): number | null => {
    const el = (target as HTMLElement | null)?.closest?.('[data-row-index]');
    const value = el?.getAttribute('data-row-index');
    return value == null ? null : Number(value);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const index = indexOf(event.target);
    if (index === null) return;
    const result = applyKey(selection, event, { focus: index, total, columns });
    if (!result) return;
    event.preventDefault();
    setSelection(result.selection);
    if (result.focus !== index) moveFocus(result.focus);
  };
  // Space on a button or checkbox would press it when the key comes up: selection took it.
  const onKeyUp = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === ' ' && indexOf(event.target) !== null) event.preventDefault();
  };

  const count = selectedCount(selection);
  const press = useLongPress((index) => setSelection((s) => toggle(s, index)));

  const activate = (index: number, file: FileView, event: MouseEvent) => {
    if (press.consumeClick()) {
      event.preventDefault();
      return;
    }
    // Once selecting has begun on a touch screen, a tap adds or removes.
    const intent = press.lastPointer() === 'touch' && count > 0 ? 'toggle' : clickIntent(event);
    if (intent === 'open') {
      onOpen(file);
      return;
    }
    event.preventDefault();
    setSelection((s) => applyClick(s, index, intent));
  };

  const itemProps = (index: number) => ({
    'data-row-index': index,
    ...press.handlers(index),
    onMouseDown: (event: MouseEvent) => {
      // Shift-click selects rows, not the text between them.
      if (event.shiftKey) event.preventDefault();
    },
  });

  const checkbox = (index: number, file: FileView) => (
    <input
      type="checkbox"
      className="select-box"
      checked={isSelected(selection, index)}
      aria-label={`Select ${file.name}`}
      onChange={() => undefined}
      onClick={(event) => {
        event.stopPropagation();
        const shift = event.shiftKey;
        setSelection((s) => (shift ? extendTo(s, index) : toggle(s, index)));
      }}
    />
  );

  /** What a rendered row needs to be measured: its index and the virtualizer's ref. */
  const measured = (index: number) => ({
    'data-index': index,
    ref: virtualizer.measureElement,
  });

  const paddingTop = items.length > 0 ? items[0]!.start - scrollMargin : 0;
  const paddingBottom =
    items.length > 0 ? virtualizer.getTotalSize() - (items.at(-1)!.end - scrollMargin) : 0;
  const selecting = count > 0;
  // One row in the Tab order: the focused one (always rendered), else the first on screen.
  const tabStop = focusIndex ?? (items[0] ? items[0].index * columns : 0);
  const tabIndex = (index: number) => (index === tabStop ? 0 : -1);
  /** The row's button: the Tab stop of the list, Enter or a click opens the file. */
  const opener = (index: number, file: FileView) => ({
    type: 'button' as const,
    'data-focus-target': true,
    tabIndex: tabIndex(index),
    onClick: (event: MouseEvent) => activate(index, file, event),
  });

  const common = {
    onKeyDown,
    onKeyUp,
    onFocus: (event: { target: EventTarget }) => setFocusIndex(indexOf(event.target)),
  };

  let list: ReactNode;
  if (layout === 'table') {
    list = (
      <div className="table-wrap">
        <table className="files-table virtual-table" aria-rowcount={total + 1}>
          <caption className="sr-only">{caption}</caption>
          <colgroup>
            <col className="w-check" />
            <col />
            <col className="w-kind" />
            <col className="w-size" />
            <col className="w-captured" />
            <col className="w-camera" />
            <col className="w-tags" />
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" className="col-check">
                <span className="sr-only">Selected</span>
              </th>
              <SortHead
                column="name"
                label="Name"
                sort={sort}
                order={order}
                onSort={onSort}
                className="col-name"
              />
              <th scope="col">Kind</th>
              <SortHead
                column="size"
                label="Size"
                sort={sort}
                order={order}
                onSort={onSort}
                className="num"
              />
              <SortHead
                column="captured"
                label="Captured"
                sort={sort}
                order={order}
                onSort={onSort}
              />
              <th scope="col">Camera</th>
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody ref={(el) => void (listRef.current = el)} {...common}>
            {paddingTop > 0 ? <Spacer height={paddingTop} /> : null}
            {items.map((item) => {
              const index = item.index;
              const file = fileAt(index);
              if (!file) {
                return (
                  <tr
                    key={item.key}
                    {...measured(index)}
                    className="row-loading"
                    aria-hidden="true"
                  >
                    <td colSpan={7}>
                      <span className="skeleton" />
                    </td>
                  </tr>
                );
              }
              const selected = isSelected(selection, index);
              return (
                <tr
                  key={item.key}
                  {...measured(index)}
                  data-file={file.name}
                  aria-rowindex={index + 2}
                  className={`${file.tags.missing ? 'is-missing' : ''}${selected ? ' is-selected' : ''}`}
                  {...itemProps(index)}
                  onClick={(event) => {
                    // The name is the keyboard's way in; the rest of the row is a bigger target.
                    const inside = (event.target as HTMLElement).closest('button, input');
                    if (!inside) activate(index, file, event);
                  }}
                >
                  <td className="col-check">{checkbox(index, file)}</td>
                  <td className="col-name">
                    <span className="name-cell">
                      <Thumbnail file={file} className="row-thumb" />
                      <button {...opener(index, file)} className="file-name">
                        <BreakableName name={file.name} />
                      </button>
                    </span>
                  </td>
                  <td>{KIND_NAMES[file.kind]}</td>
                  <td className="num">{formatBytes(file.size)}</td>
                  <td>{file.capturedAt ? formatCapturedAt(file.capturedAt) : ''}</td>
                  <td>{formatCamera(file.cameraMake, file.cameraModel) ?? ''}</td>
                  <td>
                    <FileTags file={file} />
                  </td>
                </tr>
              );
            })}
            {paddingBottom > 0 ? <Spacer height={paddingBottom} /> : null}
          </tbody>
        </table>
      </div>
    );
  } else if (layout === 'cards') {
    list = (
      <ul
        className={`file-cards virtual-cards${selecting ? ' is-selecting' : ''}`}
        aria-label={caption}
        ref={(el) => void (listRef.current = el)}
        style={{ paddingTop, paddingBottom }}
        {...common}
      >
        {items.map((item) => {
          const index = item.index;
          const file = fileAt(index);
          if (!file) {
            return (
              <li key={item.key} {...measured(index)} className="row-loading" aria-hidden="true">
                <span className="skeleton" />
              </li>
            );
          }
          const camera = formatCamera(file.cameraMake, file.cameraModel);
          const selected = isSelected(selection, index);
          return (
            <li
              key={item.key}
              {...measured(index)}
              data-file={file.name}
              // Where it stands in the whole folder (most rows are not in the page).
              aria-posinset={index + 1}
              aria-setsize={total}
              className={`${file.tags.missing ? 'is-missing' : ''}${selected ? ' is-selected' : ''}`}
              {...itemProps(index)}
            >
              <div className="card-main">
                {selecting ? checkbox(index, file) : null}
                <button {...opener(index, file)} className="file-card">
                  <Thumbnail file={file} className="card-thumb" />
                  <span className="file-card-text">
                    <span className="file-card-name">
                      <BreakableName name={file.name} />
                    </span>
                    <span className="file-card-meta">
                      <span>{KIND_NAMES[file.kind]}</span>
                      <span>{formatBytes(file.size)}</span>
                      {file.capturedAt ? <span>{formatCapturedAt(file.capturedAt)}</span> : null}
                    </span>
                    {camera ? <span className="file-card-meta">{camera}</span> : null}
                  </span>
                </button>
              </div>
              <FileTags file={file} />
            </li>
          );
        })}
      </ul>
    );
  } else {
    list = (
      <div
        className={`file-grid virtual-grid${selecting ? ' is-selecting' : ''}`}
        role="list"
        aria-label={caption}
        ref={(el) => void (listRef.current = el)}
        style={{ paddingTop, paddingBottom }}
        {...common}
      >
        {items.map((item) => {
          const cells: ReactNode[] = [];
          for (let c = 0; c < columns; c++) {
            const index = item.index * columns + c;
            if (index >= total) break;
            const file = fileAt(index);
            if (!file) {
              cells.push(
                <div key={index} className="grid-cell row-loading" aria-hidden="true">
                  <span className="skeleton grid-skeleton" />
                </div>,
              );
              continue;
            }
            const selected = isSelected(selection, index);
            cells.push(
              <div
                key={file.id}
                role="listitem"
                data-file={file.name}
                // Where it stands in the whole folder (most rows are not in the page).
                aria-posinset={index + 1}
                aria-setsize={total}
                className={`grid-cell${file.tags.missing ? ' is-missing' : ''}${selected ? ' is-selected' : ''}`}
                {...itemProps(index)}
              >
                {checkbox(index, file)}
                <button {...opener(index, file)} className="grid-tile">
                  <Thumbnail file={file} className="grid-thumb" />
                  <span className="grid-name file-card-name">{file.name}</span>
                  <span className="grid-meta muted">
                    {formatBytes(file.size)}
                    {file.capturedAt ? ` · ${formatCapturedAt(file.capturedAt)}` : ''}
                  </span>
                </button>
                <FileTags file={file} compact />
              </div>,
            );
          }
          return (
            <div
              key={item.key}
              {...measured(item.index)}
              className="grid-row"
              style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gap: grid.gap }}
            >
              {cells}
            </div>
          );
        })}
      </div>
    );
  }

  const files = useMemo(() => ({ root, path, listing, head }), [root, path, listing, head]);
  return (
    <>
      {list}
      {count > 0 ? (
        <SelectionBar
          scope={files}
          selection={selection}
          total={total}
          fileAt={fileAt}
          onClear={() => setSelection(EMPTY_SELECTION)}
        />
      ) : null}
    </>
  );
}

/** The rows above or below those rendered, as one empty row of their height. */
function Spacer({ height }: { height: number }) {
  return (
    <tr aria-hidden="true" className="spacer-row">
      <td colSpan={7} style={{ height, padding: 0, border: 0 }} />
    </tr>
  );
}

/** A column head that sorts (through the API, so across every page). */
function SortHead({
  column,
  label,
  sort,
  order,
  onSort,
  className,
}: {
  column: FileSort;
  label: string;
  sort: FileSort;
  order: SortOrder;
  onSort: (sort: FileSort, order: SortOrder) => void;
  className?: string;
}) {
  const active = sort === column;
  const next: SortOrder = active && order === 'asc' ? 'desc' : 'asc';
  return (
    <th
      scope="col"
      className={className}
      aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      <button
        type="button"
        className="sort-button"
        onClick={() => onSort(column, next)}
        title={`Sort by ${SORT_LABELS[column].toLowerCase()}, ${next === 'asc' ? 'ascending' : 'descending'}`}
      >
        {label}
        <span aria-hidden="true" className="sort-arrow">
          {active ? (order === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </th>
  );
}
