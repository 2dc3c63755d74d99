import { PRICE_SHEET, pricesFor } from './prices.js';

const GB = 1024 ** 3;

/** How S3 bills one object of a class beyond its size (the same rules as the archive quote). */
export interface BillingRule {
  /** Objects smaller than this are billed as this size. */
  minimumBytes: number;
  /** Bytes added to each object at the class's rate (Glacier's index). */
  overheadAtClass: number;
  /** Bytes added to each object at the STANDARD rate (Glacier's name and metadata). */
  overheadAtStandard: number;
}

export function billingRule(storageClass: string): BillingRule {
  const rules = PRICE_SHEET.rules;
  return {
    minimumBytes: rules.minimumBillableBytes[storageClass] ?? 0,
    overheadAtClass: rules.overheadBytesAtClassRate[storageClass] ?? 0,
    overheadAtStandard: rules.overheadBytesAtStandardRate[storageClass] ?? 0,
  };
}

export interface StoredObjects {
  storageClass: string;
  region: string;
  objects: number;
  /**
   * The objects' sizes summed with each raised to the class's minimum billable size
   * (`sum(max(size, minimumBytes))`), as an aggregate query gives it.
   */
  sizeBilledAtClass: number;
}

export interface StorageCost {
  /** Bytes billed (minimum sizes and per-object overhead included). */
  billedBytes: number;
  perMonth: number;
  /** True when the region is not on the price sheet and us-east-1's prices were used. */
  estimated: boolean;
}

/**
 * What keeping these objects costs a month: the bytes at the class's rate plus the per-object
 * overhead (at the class's rate and at STANDARD's), as quoteArchive prices a plan.
 */
export function monthlyStorageCost(stored: StoredObjects): StorageCost {
  const { prices, estimated } = pricesFor(stored.region);
  const rule = billingRule(stored.storageClass);
  const atClass = stored.sizeBilledAtClass + stored.objects * rule.overheadAtClass;
  const atStandard = stored.objects * rule.overheadAtStandard;
  const rate = prices.storagePerGbMonth[stored.storageClass] ?? 0;
  const standardRate = prices.storagePerGbMonth.STANDARD ?? 0;
  return {
    billedBytes: atClass + atStandard,
    perMonth: round((atClass / GB) * rate + (atStandard / GB) * standardRate),
    estimated,
  };
}

/** To a millionth of a cent: a small library's storage costs fractions of a cent a month. */
function round(amount: number): number {
  return Math.round(amount * 1e8) / 1e8;
}
