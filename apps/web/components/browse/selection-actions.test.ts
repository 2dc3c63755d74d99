import { describe, expect, it } from 'vitest';
import { idsKey } from './selection-actions';

describe('idsKey', () => {
  it('names a selection shortly, the same ids the same way, other ids otherwise', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => i * 7 + 1);
    expect(idsKey(many)).toMatch(/^100000:[0-9a-f]+$/);
    expect(idsKey([...many])).toBe(idsKey(many));
    const other = [...many];
    other[50_000] = other[50_000]! + 1;
    expect(idsKey(other)).not.toBe(idsKey(many));
    expect(idsKey([1, 2])).not.toBe(idsKey([2, 1]));
    expect(idsKey([2 ** 33])).not.toBe(idsKey([0]));
  });
});
