// The explorer's multi-select and paging rules, as the user drives them: clicks with and
// without modifiers, the keyboard of a list and of a grid, select-all of a folder far larger
// than what is loaded, and which request fetches each page.
import { describe, expect, it } from 'vitest';
import { pageRequest, pagesFor, type PageLinks } from './listing';
import {
  EMPTY_SELECTION,
  applyClick,
  applyKey,
  clampTo,
  clickIntent,
  extendTo,
  isAll,
  isSelected,
  normalize,
  only,
  selectAll,
  selectedCount,
  selectedIndices,
  toggle,
  type KeyInput,
  type Selection,
} from './selection';

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
});
const picked = (s: Selection) => selectedIndices(s);

describe('ranges', () => {
  it('merges overlapping and touching ranges and drops empty ones', () => {
    expect(
      normalize([
        [5, 8],
        [0, 2],
        [2, 3],
        [7, 10],
        [4, 4],
      ]),
    ).toEqual([
      [0, 3],
      [5, 10],
    ]);
  });

  it('answers membership, counts and lists in order', () => {
    const s: Selection = {
      ranges: [
        [2, 4],
        [10, 11],
        [50, 53],
      ],
      anchor: null,
      base: null,
    };
    expect([1, 2, 3, 4, 10, 11, 52, 53].map((i) => isSelected(s, i))).toEqual([
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(selectedCount(s)).toBe(6);
    expect(picked(s)).toEqual([2, 3, 10, 50, 51, 52]);
    expect(selectedIndices(s, 3)).toEqual([2, 3, 10]);
  });
});

describe('clicks', () => {
  it('reads the modifiers: shift draws a range, ctrl or ⌘ toggles, a plain click opens', () => {
    const none = { shiftKey: false, ctrlKey: false, metaKey: false };
    expect(clickIntent(none)).toBe('open');
    expect(clickIntent({ ...none, ctrlKey: true })).toBe('toggle');
    expect(clickIntent({ ...none, metaKey: true })).toBe('toggle');
    expect(clickIntent({ ...none, shiftKey: true, ctrlKey: true })).toBe('range');
    expect(applyClick(only(3), 7, 'open')).toEqual(only(3));
  });

  it('toggles rows in and out, splitting a range', () => {
    let s = toggle(EMPTY_SELECTION, 4);
    s = toggle(s, 5);
    s = toggle(s, 6);
    expect(s.ranges).toEqual([[4, 7]]);
    s = toggle(s, 5);
    expect(s.ranges).toEqual([
      [4, 5],
      [6, 7],
    ]);
    expect(s.anchor).toBe(5);
    expect(picked(toggle(toggle(EMPTY_SELECTION, 9), 9))).toEqual([]);
  });

  it('shift-click selects from the anchor, and a second shift-click moves the range', () => {
    // Ctrl-click 2 and 10, then shift-click 14: 10–14 joins 2.
    let s = applyClick(EMPTY_SELECTION, 2, 'toggle');
    s = applyClick(s, 10, 'toggle');
    s = applyClick(s, 14, 'range');
    expect(picked(s)).toEqual([2, 10, 11, 12, 13, 14]);
    // Shift-click 7 instead: the range is 7–10 now, 11–14 are let go, 2 stays.
    s = applyClick(s, 7, 'range');
    expect(picked(s)).toEqual([2, 7, 8, 9, 10]);
    // A ctrl-click ends that range: the next shift-click starts from it.
    s = applyClick(s, 20, 'toggle');
    s = applyClick(s, 22, 'range');
    expect(picked(s)).toEqual([2, 7, 8, 9, 10, 20, 21, 22]);
  });

  it('a shift-click with nothing anchored selects that row', () => {
    expect(picked(extendTo(EMPTY_SELECTION, 6))).toEqual([6]);
  });

  it('covers rows never loaded: a range across 90,000 rows is one range', () => {
    const s = applyClick(only(5), 90_004, 'range');
    expect(s.ranges).toEqual([[5, 90_005]]);
    expect(selectedCount(s)).toBe(90_000);
    expect(isSelected(s, 45_000)).toBe(true);
  });
});

describe('keyboard', () => {
  const list = { total: 100, columns: 1 };

  it('moves the focus with the arrows, Home, End and the page keys, selecting nothing', () => {
    expect(applyKey(EMPTY_SELECTION, key('ArrowDown'), { ...list, focus: 3 })).toEqual({
      focus: 4,
      selection: EMPTY_SELECTION,
    });
    expect(applyKey(EMPTY_SELECTION, key('ArrowUp'), { ...list, focus: 3 })?.focus).toBe(2);
    expect(applyKey(EMPTY_SELECTION, key('End'), { ...list, focus: 3 })?.focus).toBe(99);
    expect(applyKey(EMPTY_SELECTION, key('Home'), { ...list, focus: 30 })?.focus).toBe(0);
    expect(applyKey(EMPTY_SELECTION, key('PageDown'), { ...list, focus: 95 })?.focus).toBe(99);
    // Left and Right mean nothing in a list; past either end the key is left to the page.
    expect(applyKey(EMPTY_SELECTION, key('ArrowRight'), { ...list, focus: 3 })).toBeNull();
    expect(applyKey(EMPTY_SELECTION, key('ArrowUp'), { ...list, focus: 0 })).toBeNull();
    expect(applyKey(EMPTY_SELECTION, key('Enter'), { ...list, focus: 0 })).toBeNull();
  });

  it('space toggles, shift+arrows extend from the anchor, shift+space joins up', () => {
    let s = applyKey(EMPTY_SELECTION, key(' '), { ...list, focus: 10 })!.selection;
    expect(picked(s)).toEqual([10]);
    let r = applyKey(s, key('ArrowDown', { shiftKey: true }), { ...list, focus: 10 })!;
    r = applyKey(r.selection, key('ArrowDown', { shiftKey: true }), { ...list, focus: r.focus })!;
    expect(r.focus).toBe(12);
    expect(picked(r.selection)).toEqual([10, 11, 12]);
    // Back up past the anchor: the range turns round it.
    for (let i = 0; i < 4; i++) {
      r = applyKey(r.selection, key('ArrowUp', { shiftKey: true }), { ...list, focus: r.focus })!;
    }
    expect(r.focus).toBe(8);
    expect(picked(r.selection)).toEqual([8, 9, 10]);
    // Space on a selected row lets it go.
    s = applyKey(r.selection, key(' '), { ...list, focus: 9 })!.selection;
    expect(picked(s)).toEqual([8, 10]);
    s = applyKey(s, key(' ', { shiftKey: true }), { ...list, focus: 13 })!.selection;
    expect(picked(s)).toEqual([8, 9, 10, 11, 12, 13]);
  });

  it('shift+arrow with nothing selected starts the range at the focused row', () => {
    const r = applyKey(EMPTY_SELECTION, key('ArrowDown', { shiftKey: true }), {
      ...list,
      focus: 40,
    })!;
    expect(picked(r.selection)).toEqual([40, 41]);
  });

  it('moves by rows and columns in a grid', () => {
    const grid = { total: 23, columns: 5 };
    expect(applyKey(EMPTY_SELECTION, key('ArrowRight'), { ...grid, focus: 4 })?.focus).toBe(5);
    expect(applyKey(EMPTY_SELECTION, key('ArrowDown'), { ...grid, focus: 2 })?.focus).toBe(7);
    // From the last full row down to the shorter last one: its last tile.
    expect(applyKey(EMPTY_SELECTION, key('ArrowDown'), { ...grid, focus: 19 })?.focus).toBe(22);
    const r = applyKey(EMPTY_SELECTION, key('ArrowDown', { shiftKey: true }), {
      ...grid,
      focus: 1,
    })!;
    expect(picked(r.selection)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('ctrl or ⌘ + A selects all; Escape clears', () => {
    const all = applyKey(EMPTY_SELECTION, key('a', { ctrlKey: true }), {
      total: 100_000,
      columns: 1,
      focus: 7,
    })!;
    expect(all.focus).toBe(7);
    expect(isAll(all.selection, 100_000)).toBe(true);
    expect(selectedCount(all.selection)).toBe(100_000);
    expect(applyKey(EMPTY_SELECTION, key('A', { metaKey: true }), { ...list, focus: 0 })).toEqual({
      focus: 0,
      selection: selectAll(100),
    });
    expect(applyKey(all.selection, key('Escape'), { ...list, focus: 0 })?.selection).toEqual(
      EMPTY_SELECTION,
    );
    // With nothing selected Escape is left to the page (closing a dialog, say).
    expect(applyKey(EMPTY_SELECTION, key('Escape'), { ...list, focus: 0 })).toBeNull();
    expect(
      applyKey(EMPTY_SELECTION, key('c', { ctrlKey: true }), { ...list, focus: 0 }),
    ).toBeNull();
  });

  it('does nothing in an empty listing', () => {
    expect(
      applyKey(EMPTY_SELECTION, key('a', { ctrlKey: true }), { total: 0, columns: 1, focus: 0 }),
    ).toBeNull();
  });
});

describe('after the listing changes', () => {
  it('drops rows past its new end', () => {
    const s = clampTo(
      {
        ranges: [
          [2, 5],
          [8, 20],
        ],
        anchor: 15,
        base: null,
      },
      10,
    );
    expect(s).toEqual({
      ranges: [
        [2, 5],
        [8, 10],
      ],
      anchor: null,
      base: null,
    });
    expect(isAll(selectAll(10), 10)).toBe(true);
    expect(isAll(toggle(selectAll(10), 3), 10)).toBe(false);
  });
});

describe('pages', () => {
  it('names the pages a stretch of rows needs', () => {
    expect(pagesFor(0, 9, 5, 100)).toEqual([0]);
    expect(pagesFor(95, 230, 100_000, 100)).toEqual([0, 1, 2]);
    expect(pagesFor(99_990, 100_040, 100_000, 100)).toEqual([999]);
    expect(pagesFor(0, 10, 0, 100)).toEqual([]);
  });

  it('asks after the page before, before the page after, else by offset', () => {
    const loaded = new Map<number, PageLinks>([
      [0, { nextCursor: 'after-0', prevCursor: null }],
      [500, { nextCursor: 'after-500', prevCursor: 'before-500' }],
    ]);
    const get = (p: number) => loaded.get(p);
    expect(pageRequest(0, 100_000, get, 100)).toBeNull();
    expect(pageRequest(1, 100_000, get, 100)).toEqual({ page: 1, cursor: 'after-0' });
    expect(pageRequest(501, 100_000, get, 100)).toEqual({ page: 501, cursor: 'after-500' });
    expect(pageRequest(499, 100_000, get, 100)).toEqual({ page: 499, cursor: 'before-500' });
    expect(pageRequest(250, 100_000, get, 100)).toEqual({ page: 250, offset: 25_000 });
    expect(pageRequest(1000, 100_000, get, 100)).toBeNull();
  });
});
