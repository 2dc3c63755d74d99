import { describe, expect, it } from 'vitest';
import { formatBytes } from './format';

describe('formatBytes', () => {
  it('uses decimal units, as disks are sold', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.00 kB');
    expect(formatBytes(1_500_000)).toBe('1.50 MB');
    expect(formatBytes(12_340_000_000)).toBe('12.3 GB');
    expect(formatBytes(999_000_000_000)).toBe('999 GB');
    expect(formatBytes(2e15)).toBe('2.00 PB');
  });
  it('shows a dash for what is not a size', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});
