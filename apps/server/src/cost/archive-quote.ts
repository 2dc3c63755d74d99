import { choosePartSize } from '../storage/parts.js';
import { PRICE_SHEET, pricesFor } from './prices.js';

const GB = 1024 ** 3;

export interface ArchiveQuote {
  currency: string;
  pricesAsOf: string;
  region: string;
  /** True when the region is not on the price sheet and us-east-1 prices were used. */
  estimated: boolean;
  storageClass: string;
  files: number;
  bytes: number;
  /** What S3 bills as stored, overhead and minimum object sizes included. */
  billedBytes: number;
  storagePerMonth: number;
  putRequests: number;
  requestsCost: number;
  minimumDays: number;
  /** Storage paid for at least `minimumDays` even if deleted sooner (early deletion). */
  minimumStorageCharge: number;
  /** Requests plus the minimum storage: what archiving these files costs at the very least. */
  firstCost: number;
}

/**
 * What archiving these files to a storage class costs: storage per month (with the ~40 KB
 * Glacier keeps per object), the PUT requests (one per part for multipart uploads), and the
 * minimum storage duration charged even if the files are deleted early.
 */
export function quoteArchive(
  sizes: number[],
  storageClass: string,
  region: string,
  multipartThreshold: number,
): ArchiveQuote {
  const { prices, estimated, region: priced } = pricesFor(region);
  const rules = PRICE_SHEET.rules;
  const rate = prices.storagePerGbMonth[storageClass] ?? 0;
  const standardRate = prices.storagePerGbMonth.STANDARD ?? 0;
  const minimumBytes = rules.minimumBillableBytes[storageClass] ?? 0;
  const overheadAtClass = rules.overheadBytesAtClassRate[storageClass] ?? 0;
  const overheadAtStandard = rules.overheadBytesAtStandardRate[storageClass] ?? 0;
  let bytes = 0;
  let billedAtClass = 0;
  let putRequests = 0;
  for (const size of sizes) {
    bytes += size;
    billedAtClass += Math.max(size, minimumBytes) + overheadAtClass;
    putRequests += size > multipartThreshold ? Math.ceil(size / choosePartSize(size)) + 2 : 1;
  }
  const billedAtStandard = sizes.length * overheadAtStandard;
  const storagePerMonth = (billedAtClass / GB) * rate + (billedAtStandard / GB) * standardRate;
  const requestsCost = (putRequests / 1000) * (prices.putPer1000[storageClass] ?? 0);
  const minimumDays = rules.minimumDays[storageClass] ?? 0;
  const minimumStorageCharge = storagePerMonth * (minimumDays / 30);
  return {
    currency: PRICE_SHEET.currency,
    pricesAsOf: PRICE_SHEET.asOf,
    region: priced,
    estimated,
    storageClass,
    files: sizes.length,
    bytes,
    billedBytes: billedAtClass + billedAtStandard,
    storagePerMonth: round(storagePerMonth),
    putRequests,
    requestsCost: round(requestsCost),
    minimumDays,
    minimumStorageCharge: round(minimumStorageCharge),
    firstCost: round(requestsCost + minimumStorageCharge),
  };
}

function round(amount: number): number {
  return Math.round(amount * 10_000) / 10_000;
}
