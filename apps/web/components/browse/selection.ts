/**
 * The explorer's multi-select, as plain data and pure functions: which rows of a listing are
 * selected, and what a click or a key does to that.
 *
 * Rows are named by their index in the listing (its folder, filters and order), not by file id:
 * a folder of 100,000 files is loaded page by page, and a shift-click or Ctrl+A covers rows the
 * browser has never seen. The selection is a sorted list of disjoint half-open ranges, so
 * "all 100,000" is one range. The components turn indices into files when an action needs them.
 */

/** `[start, end)`: rows start, start + 1, …, end − 1. */
export type Range = readonly [start: number, end: number];

export interface Selection {
  /** Sorted, disjoint, not touching (`[0,2)` and `[2,5)` are kept as `[0,5)`). */
  readonly ranges: readonly Range[];
  /** Where a shift-click or Shift+arrow range starts: the row last clicked or toggled. */
  readonly anchor: number | null;
  /**
   * The selection as it was when the current shift range started: a second shift-click
   * replaces the range drawn by the first instead of adding to it (as file managers do).
   */
  readonly base: readonly Range[] | null;
}

export const EMPTY_SELECTION: Selection = { ranges: [], anchor: null, base: null };

/** Sorts, merges overlapping and touching ranges, and drops empty ones. */
export function normalize(ranges: readonly Range[]): Range[] {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function union(a: readonly Range[], b: readonly Range[]): Range[] {
  return normalize([...a, ...b]);
}

function without(ranges: readonly Range[], index: number): Range[] {
  return ranges.flatMap(([s, e]): Range[] =>
    index < s || index >= e
      ? [[s, e]]
      : (
          [
            [s, index],
            [index + 1, e],
          ] as Range[]
        ).filter(([a, b]) => b > a),
  );
}

export function isSelected(selection: Selection, index: number): boolean {
  // Binary search: the ranges are sorted and disjoint.
  const ranges = selection.ranges;
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = ranges[mid]!;
    if (index < s) hi = mid - 1;
    else if (index >= e) lo = mid + 1;
    else return true;
  }
  return false;
}

export function selectedCount(selection: Selection): number {
  return selection.ranges.reduce((n, [s, e]) => n + e - s, 0);
}

/** The selected rows in order, at most `limit` of them. */
export function selectedIndices(selection: Selection, limit = Infinity): number[] {
  const out: number[] = [];
  for (const [s, e] of selection.ranges) {
    for (let i = s; i < e; i++) {
      if (out.length >= limit) return out;
      out.push(i);
    }
  }
  return out;
}

/** Ctrl/⌘-click, Space, a checkbox: flips one row; it becomes the anchor of a later range. */
export function toggle(selection: Selection, index: number): Selection {
  const ranges = isSelected(selection, index)
    ? without(selection.ranges, index)
    : union(selection.ranges, [[index, index + 1]]);
  return { ranges, anchor: index, base: null };
}

/** Selects one row alone (a long press's first row starts from nothing too). */
export function only(index: number): Selection {
  return { ranges: [[index, index + 1]], anchor: index, base: null };
}

/**
 * Shift-click, Shift+arrow: every row from the anchor to `index`, on top of what was selected
 * before the range began. Without an anchor the range is the row alone.
 */
export function extendTo(selection: Selection, index: number): Selection {
  const anchor = selection.anchor ?? index;
  const base = selection.base ?? selection.ranges;
  const range: Range = [Math.min(anchor, index), Math.max(anchor, index) + 1];
  return { ranges: union(base, [range]), anchor, base };
}

/** Ctrl/⌘+A. */
export function selectAll(total: number): Selection {
  return { ranges: total > 0 ? [[0, total]] : [], anchor: null, base: null };
}

/** True when every one of `total` rows is selected. */
export function isAll(selection: Selection, total: number): boolean {
  const [first] = selection.ranges;
  return total > 0 && selection.ranges.length === 1 && first![0] === 0 && first![1] >= total;
}

/** The selection once the listing holds `total` rows (a rescan may have shortened it). */
export function clampTo(selection: Selection, total: number): Selection {
  const ranges = normalize(selection.ranges.map(([s, e]): Range => [s, Math.min(e, total)]));
  const anchor = selection.anchor !== null && selection.anchor < total ? selection.anchor : null;
  return { ranges, anchor, base: null };
}

/** What a pointer press means, from its modifier keys. */
export type ClickIntent = 'open' | 'toggle' | 'range';

export function clickIntent(event: {
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}): ClickIntent {
  if (event.shiftKey) return 'range';
  if (event.ctrlKey || event.metaKey) return 'toggle';
  return 'open';
}

/** A click with its intent applied; `open` leaves the selection as it is. */
export function applyClick(selection: Selection, index: number, intent: ClickIntent): Selection {
  if (intent === 'toggle') return toggle(selection, index);
  if (intent === 'range') return extendTo(selection, index);
  return selection;
}

export interface KeyInput {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

export interface KeyContext {
  /** The row that has the focus. */
  focus: number;
  total: number;
  /** Rows side by side: 1 for a list, the number of columns for a grid. */
  columns: number;
}

export interface KeyResult {
  focus: number;
  selection: Selection;
}

/**
 * The keyboard of the file list and grid (as WAI-ARIA's multi-select listbox and grid):
 * arrows move the focus (Left/Right only in a grid), Home/End jump to the first/last row,
 * Page Up/Down move by ten rows; with Shift they also select from the anchor to where the
 * focus lands. Space toggles the focused row, Shift+Space selects from the anchor to it,
 * Ctrl/⌘+A selects every row, Escape clears. Returns null for a key it does not handle (Enter
 * stays the browser's: it opens the file).
 */
export function applyKey(
  selection: Selection,
  input: KeyInput,
  { focus, total, columns }: KeyContext,
): KeyResult | null {
  if (total <= 0) return null;
  const command = input.ctrlKey || input.metaKey;
  if (command && !input.shiftKey && input.key.toLowerCase() === 'a') {
    return { focus, selection: selectAll(total) };
  }
  if (command) return null;
  if (input.key === ' ' || input.key === 'Spacebar') {
    return {
      focus,
      selection: input.shiftKey ? extendTo(selection, focus) : toggle(selection, focus),
    };
  }
  if (input.key === 'Escape') {
    return selection.ranges.length > 0 ? { focus, selection: EMPTY_SELECTION } : null;
  }
  const steps: Record<string, number> = {
    ArrowDown: columns,
    ArrowUp: -columns,
    PageDown: columns * 10,
    PageUp: -columns * 10,
    Home: -Infinity,
    End: Infinity,
  };
  if (columns > 1) Object.assign(steps, { ArrowRight: 1, ArrowLeft: -1 });
  const step = steps[input.key];
  if (step === undefined) return null;
  const target = Math.min(total - 1, Math.max(0, focus + step));
  // A step past either end of a list or grid stays put (the page keeps its scroll).
  if (target === focus && Math.abs(step) <= columns) return null;
  if (!input.shiftKey) return { focus: target, selection };
  // Shift: the range starts where the focus was if nothing anchors it yet.
  const anchored = selection.anchor === null ? { ...selection, anchor: focus } : selection;
  return { focus: target, selection: extendTo(anchored, target) };
}
