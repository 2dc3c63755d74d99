import { describe, expect, it } from 'vitest';
import { withItem } from './lists';

describe('withItem', () => {
  const byName = (d: { name: string }) => d.name;
  it('adds an item in name order, or replaces the one with its id', () => {
    const list = [
      { id: 1, name: 'offsite' },
      { id: 2, name: 'usb' },
    ];
    expect(withItem(list, { id: 3, name: 'nas2' }, byName)!.map(byName)).toEqual([
      'nas2',
      'offsite',
      'usb',
    ]);
    expect(withItem(list, { id: 2, name: 'attic' }, byName)).toEqual([
      { id: 2, name: 'attic' },
      { id: 1, name: 'offsite' },
    ]);
    // Nothing cached yet: nothing to change (the server's list will come).
    expect(withItem(undefined, { id: 1, name: 'x' }, byName)).toBeUndefined();
  });
});
