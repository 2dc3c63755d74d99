'use client';

import { useRef, type PointerEvent } from 'react';

/** How long a finger rests on a row before it starts selecting (as on Android and iOS). */
export const LONG_PRESS_MS = 500;
/** A finger that moves further than this is scrolling, not pressing. */
const SLOP_PX = 10;

/**
 * Long press on touch screens, for rows and tiles: `onLongPress(index)` fires once a finger has
 * rested on an item for LONG_PRESS_MS without moving; the click that the browser sends when it
 * lifts is then swallowed (`consumeClick()` says so). `lastPointer()` tells a tap from a click.
 */
export function useLongPress(onLongPress: (index: number) => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const start = useRef<{ x: number; y: number } | null>(null);
  const fired = useRef(false);
  const pointer = useRef<string>('mouse');
  const latest = useRef(onLongPress);
  latest.current = onLongPress;

  const cancel = () => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    start.current = null;
  };

  const handlers = (index: number) => ({
    onPointerDown: (event: PointerEvent) => {
      pointer.current = event.pointerType;
      fired.current = false;
      if (event.pointerType !== 'touch') return;
      cancel();
      start.current = { x: event.clientX, y: event.clientY };
      timer.current = setTimeout(() => {
        timer.current = null;
        fired.current = true;
        latest.current(index);
      }, LONG_PRESS_MS);
    },
    onPointerMove: (event: PointerEvent) => {
      const from = start.current;
      if (from && Math.hypot(event.clientX - from.x, event.clientY - from.y) > SLOP_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onPointerLeave: cancel,
    // A long press would open the browser's menu (copy link, …) on top of selecting.
    onContextMenu: (event: { preventDefault(): void }) => {
      if (pointer.current === 'touch') event.preventDefault();
    },
  });

  return {
    handlers,
    /** True once, for the click that ends a long press. */
    consumeClick: () => {
      const was = fired.current;
      fired.current = false;
      return was;
    },
    lastPointer: () => pointer.current,
  };
}
