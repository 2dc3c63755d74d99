'use client';

import { useQuery } from '@tanstack/react-query';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
} from 'react';
import { getSheetIndex, queryKeys, type SheetTile, type SheetView } from '../../lib/api';
import { formatCapturedAt, formatDuration } from '../../lib/format';

const ZOOM_STEP = 1.25;
const MAX_ZOOM = 4;
const MIN_ZOOM = 0.05;

/** "IMG_2041.jpg, Jan 13, 2011, 2:33 PM, 0:12": what a tile's button says. */
export function tileLabel(tile: SheetTile): string {
  const parts = [tile.name];
  if (tile.capturedAt) parts.push(formatCapturedAt(tile.capturedAt));
  if (tile.durationS !== null) parts.push(formatDuration(tile.durationS));
  if (tile.problem) parts.push(`problem: ${tile.problem}`);
  return parts.join(', ');
}

const pct = (part: number, whole: number) => `${(part / whole) * 100}%`;

/**
 * One sheet page at full size: fit to the width by default, zoomable with the buttons, the
 * +/−/0 keys, Ctrl (or ⌘) + wheel or a trackpad pinch, and a two-finger pinch on a touch
 * screen. Over the picture lies one button per tile, from the page's JSON index: hovering or
 * focusing it names the file, clicking or tapping it opens the file's details; the arrow keys
 * move between tiles.
 */
export function SheetViewer({
  sheet,
  label,
  onOpenFile,
}: {
  sheet: SheetView;
  label: string;
  onOpenFile: (file: { id: number; name: string }) => void;
}) {
  const index = useQuery({
    queryKey: queryKeys.sheetIndex(sheet.indexUrl),
    queryFn: ({ signal }) => getSheetIndex(sheet.indexUrl, signal),
    staleTime: Infinity,
  });
  const viewportRef = useRef<HTMLDivElement>(null);
  const [viewportWidth, setViewportWidth] = useState(0);
  /** null: fit to the width (never above 100 %). */
  const [zoom, setZoom] = useState<number | null>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const fit = viewportWidth > 0 ? Math.min(1, viewportWidth / sheet.width) : 1;
  const scale = zoom ?? fit;
  const scaleRef = useRef(scale);
  scaleRef.current = scale;
  /** Where to scroll once the new zoom is laid out, to keep the point under the anchor. */
  const pendingScroll = useRef<{ left: number; top: number } | null>(null);
  const pinch = useRef<{ distance: number; scale: number } | null>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  /** A pinch is under way or just ended: the click it may end with is not a tap. */
  const pinched = useRef(false);

  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport) return;
    const measure = () => setViewportWidth(viewport.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(viewport);
    return () => observer.disconnect();
  }, []);

  /** Zooms to `next`, keeping the content under `anchor` (viewport coordinates) in place. */
  const zoomTo = useCallback(
    (next: number | null, anchor?: { x: number; y: number }) => {
      const viewport = viewportRef.current;
      const from = scaleRef.current;
      const fitNow = viewport ? Math.min(1, viewport.clientWidth / sheet.width) : 1;
      const to =
        next === null ? fitNow : Math.min(MAX_ZOOM, Math.max(Math.min(MIN_ZOOM, fitNow), next));
      if (viewport) {
        const ax = anchor?.x ?? viewport.clientWidth / 2;
        const ay = anchor?.y ?? viewport.clientHeight / 2;
        pendingScroll.current = {
          left: ((viewport.scrollLeft + ax) / from) * to - ax,
          top: ((viewport.scrollTop + ay) / from) * to - ay,
        };
      }
      setZoom(next === null ? null : to);
    },
    [sheet.width],
  );

  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    const target = pendingScroll.current;
    if (!viewport || !target) return;
    pendingScroll.current = null;
    viewport.scrollLeft = Math.max(0, target.left);
    viewport.scrollTop = Math.max(0, target.top);
  }, [scale]);

  // Ctrl/⌘ + wheel (and a trackpad's pinch, which Chromium sends as one) zooms the sheet,
  // not the page: the listener must be active to prevent the browser's own zoom.
  useEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport) return;
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      const rect = viewport.getBoundingClientRect();
      const factor = Math.exp(-event.deltaY * 0.0015);
      zoomTo(scaleRef.current * factor, {
        x: event.clientX - rect.left,
        y: event.clientY - rect.top,
      });
    };
    viewport.addEventListener('wheel', onWheel, { passive: false });
    return () => viewport.removeEventListener('wheel', onWheel);
  }, [zoomTo]);

  const relative = (x: number, y: number) => {
    const rect = viewportRef.current!.getBoundingClientRect();
    return { x: x - rect.left, y: y - rect.top };
  };
  const spread = () => {
    const [a, b] = [...pointers.current.values()];
    return a && b
      ? {
          distance: Math.hypot(a.x - b.x, a.y - b.y),
          mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
        }
      : null;
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    // A new gesture (its first finger, or a mouse button) starts afresh and may tap again.
    if (event.isPrimary) {
      pointers.current.clear();
      pinch.current = null;
      pinched.current = false;
    }
    if (event.pointerType !== 'touch') return;
    pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    const s = spread();
    if (pointers.current.size === 2 && s) pinch.current = { distance: s.distance, scale };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!pointers.current.has(event.pointerId)) return;
    pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    const s = spread();
    if (!pinch.current || !s || pinch.current.distance < 1) return;
    pinched.current = true;
    zoomTo(pinch.current.scale * (s.distance / pinch.current.distance), relative(s.mid.x, s.mid.y));
  };
  const onPointerEnd = (event: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(event.pointerId);
    if (pointers.current.size < 2) pinch.current = null;
  };

  const tiles = index.data?.tiles ?? [];
  const columns = Math.max(1, tiles.filter((t) => t.y === tiles[0]?.y).length);

  const onTileKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step: Record<string, number> = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -columns,
      ArrowDown: columns,
    };
    let to: number | null = null;
    if (event.key in step) to = focusIndex + step[event.key]!;
    else if (event.key === 'Home') to = 0;
    else if (event.key === 'End') to = tiles.length - 1;
    if (to === null || to < 0 || to >= tiles.length) return;
    event.preventDefault();
    setFocusIndex(to);
    event.currentTarget.querySelectorAll<HTMLButtonElement>('.sheet-tile')[to]?.focus();
  };

  const onViewerKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === '+' || event.key === '=') zoomTo(scale * ZOOM_STEP);
    else if (event.key === '-') zoomTo(scale / ZOOM_STEP);
    else if (event.key === '0') zoomTo(null);
    else return;
    event.preventDefault();
  };

  const canvasStyle =
    zoom === null
      ? { width: '100%', maxWidth: `${sheet.width}px` }
      : { width: `${sheet.width * zoom}px` };

  return (
    <div className="sheet-viewer" onKeyDown={onViewerKey}>
      <div className="zoom-bar" role="toolbar" aria-label="Zoom">
        <button
          type="button"
          className="button small"
          onClick={() => zoomTo(scale / ZOOM_STEP)}
          aria-label="Zoom out"
          disabled={scale <= Math.min(MIN_ZOOM, fit) + 1e-6}
        >
          −
        </button>
        <span className="zoom-level" data-testid="zoom-level">
          {Math.round(scale * 100)} %
        </span>
        <button
          type="button"
          className="button small"
          onClick={() => zoomTo(scale * ZOOM_STEP)}
          aria-label="Zoom in"
          disabled={scale >= MAX_ZOOM - 1e-6}
        >
          +
        </button>
        <button
          type="button"
          className="button small"
          onClick={() => zoomTo(null)}
          aria-pressed={zoom === null}
        >
          Fit<span className="sr-only"> to width</span>
        </button>
        <button
          type="button"
          className="button small"
          onClick={() => zoomTo(1)}
          aria-pressed={zoom === 1}
        >
          100 %<span className="sr-only"> (actual size)</span>
        </button>
        <span className="muted small-text zoom-hint">Ctrl + wheel or pinch to zoom</span>
      </div>
      <div
        ref={viewportRef}
        className="sheet-viewport"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerEnd}
        onPointerCancel={onPointerEnd}
        data-testid="sheet-viewport"
      >
        <div
          className="sheet-canvas"
          style={{ ...canvasStyle, aspectRatio: `${sheet.width} / ${sheet.height}` }}
        >
          <img
            className="sheet-image"
            src={sheet.imageUrl}
            alt={label}
            width={sheet.width}
            height={sheet.height}
            draggable={false}
          />
          {tiles.length > 0 ? (
            <div
              className="sheet-tiles"
              role="group"
              aria-label={`Files on ${label}`}
              onKeyDown={onTileKey}
            >
              {tiles.map((tile, i) => (
                <button
                  key={`${tile.position}-${tile.fileId}`}
                  type="button"
                  className={`sheet-tile${tile.problem ? ' has-problem' : ''}`}
                  style={{
                    left: pct(tile.x, sheet.width),
                    top: pct(tile.y, sheet.height),
                    width: pct(tile.w, sheet.width),
                    height: pct(tile.h, sheet.height),
                  }}
                  tabIndex={i === focusIndex ? 0 : -1}
                  aria-label={tileLabel(tile)}
                  data-file-id={tile.fileId}
                  data-name={tile.name}
                  onFocus={() => setFocusIndex(i)}
                  onClick={() => {
                    // The end of a pinch is not a tap.
                    if (pinched.current) return;
                    onOpenFile({ id: tile.fileId, name: tile.name });
                  }}
                >
                  <span className="tile-tip" aria-hidden="true">
                    <span className="tile-tip-name">{tile.name}</span>
                    {tile.capturedAt ? (
                      <span className="tile-tip-meta">{formatCapturedAt(tile.capturedAt)}</span>
                    ) : null}
                    {tile.problem ? <span className="tile-tip-meta">⚠ {tile.problem}</span> : null}
                  </span>
                </button>
              ))}
            </div>
          ) : null}
        </div>
      </div>
      {index.error ? (
        <p className="form-error" role="alert">
          The index of this sheet could not be read ({index.error.message}): the tiles cannot be
          opened.
        </p>
      ) : null}
    </div>
  );
}
