import { describe, expect, it } from 'vitest';
import { quoteArchive } from '../../src/cost/archive-quote.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('archive quote', () => {
  it('prices the requests of many small files: 10 million PUTs into Deep Archive cost $500', () => {
    const quote = quoteArchive(
      new Array(10_000_000).fill(1000),
      'DEEP_ARCHIVE',
      'us-east-1',
      64 * MiB,
    );
    expect(quote.putRequests).toBe(10_000_000);
    expect(quote.requestsCost).toBe(500);
    // Each object also carries 32 KB at the Deep Archive rate and 8 KB at the Standard rate.
    expect(quote.billedBytes).toBe(10_000_000 * (1000 + 32768 + 8192));
  });

  it('prices a terabyte of photos in Deep Archive at about a dollar a month, 180 days at least', () => {
    const sizes = new Array(1024).fill(GiB);
    const quote = quoteArchive(sizes, 'DEEP_ARCHIVE', 'us-east-1', 64 * MiB);
    expect(quote.storagePerMonth).toBeCloseTo(1024 * 0.00099, 2);
    expect(quote.minimumDays).toBe(180);
    expect(quote.minimumStorageCharge).toBeCloseTo(quote.storagePerMonth * 6, 3);
    // Multipart: every part is a request, plus the initiate and complete calls.
    expect(quote.putRequests).toBeGreaterThan(1024 * 3);
    expect(quote).toMatchObject({ currency: 'USD', pricesAsOf: '2025-11-01', estimated: false });
  });

  it('bills small files in Glacier Instant Retrieval as 128 KB and says when a region is estimated', () => {
    const quote = quoteArchive([1000, 2000], 'GLACIER_IR', 'ap-southeast-2', 64 * MiB);
    expect(quote.billedBytes).toBe(2 * 131072);
    expect(quote).toMatchObject({ estimated: true, region: 'us-east-1', minimumDays: 90 });
  });
});
