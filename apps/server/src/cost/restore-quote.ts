/**
 * What getting objects back costs and how long it takes, per retrieval tier, from the same price
 * sheet as the archive quote (prices.json).
 *
 * AWS's rules, as applied here:
 * - GLACIER and DEEP_ARCHIVE objects are restored first: a retrieval fee per GB and per request
 *   that depends on the tier. Deep Archive has no Expedited tier.
 * - While restored, the temporary copy is billed on top of the archived object, at the S3
 *   Standard rate (AWS: "Reduced Redundancy or Standard, whichever is the lower-cost storage in
 *   the Region"; RRS costs more than Standard today). S3 sets the expiry to the requested days
 *   after the restore completes, rounded up to the next midnight UTC, so up to one day more is
 *   billed: the quote counts `days + 1` to never under-quote.
 * - GLACIER_IR and STANDARD_IA need no restore but are billed a retrieval fee per GB and per
 *   request when read; STANDARD (and a folder destination) cost nothing to read.
 * - Every byte downloaded to the NAS is data transfer out to the internet, free for the first
 *   100 GB of each month (prices.json; all AWS services together: the quote assumes the
 *   allowance is unused and also gives the price without it).
 */
import type { RestoreTier } from '../storage/destination.js';
import { PRICE_SHEET, pricesFor, type RegionPrices } from './prices.js';

const GB = 1024 ** 3;
const DAYS_PER_MONTH = 30;

export const RESTORE_TIERS: readonly RestoreTier[] = ['Bulk', 'Standard', 'Expedited'];

export interface QuotedObject {
  size: number;
  storageClass: string;
}

export interface ExpectedWait {
  /** Lower and upper bounds AWS gives, in minutes (0 when AWS only says "within"). */
  minMinutes: number;
  maxMinutes: number;
  /** "3–5 hours", "within 48 hours". */
  text: string;
}

export interface TierQuote {
  tier: RestoreTier;
  /** False when some object's class does not offer this tier (Expedited for Deep Archive). */
  available: boolean;
  unavailableReason?: string;
  retrievalCost: number;
  requestsCost: number;
  /** The temporary copies at the Standard rate for the days asked (+1, see above). */
  restoredStorageCost: number;
  /** Retrieval + requests + restored storage + transfer out (with the free allowance). */
  total: number;
  /** The slowest class in the set decides; null when nothing needs a restore. */
  wait: ExpectedWait | null;
}

export interface RestoreQuote {
  currency: string;
  pricesAsOf: string;
  region: string;
  estimated: boolean;
  days: number;
  objects: number;
  bytes: number;
  /** GLACIER and DEEP_ARCHIVE objects: these need a restore request and a wait. */
  toRestore: { objects: number; bytes: number; byClass: Record<string, number> };
  /** Readable as they are (GLACIER_IR, STANDARD_IA, STANDARD, folder). */
  readable: { objects: number; bytes: number; retrievalCost: number };
  transferOut: { bytes: number; freeGbPerMonth: number; cost: number; costWithoutFreeTier: number };
  /** Bulk, Standard, Expedited; empty when nothing needs a restore. */
  tiers: TierQuote[];
}

const WAITS: Record<string, Partial<Record<RestoreTier, ExpectedWait>>> = {
  GLACIER: {
    Expedited: { minMinutes: 1, maxMinutes: 5, text: '1–5 minutes' },
    Standard: { minMinutes: 180, maxMinutes: 300, text: '3–5 hours' },
    Bulk: { minMinutes: 300, maxMinutes: 720, text: '5–12 hours' },
  },
  DEEP_ARCHIVE: {
    Standard: { minMinutes: 0, maxMinutes: 720, text: 'within 12 hours' },
    Bulk: { minMinutes: 0, maxMinutes: 2880, text: 'within 48 hours' },
  },
};

/** How long AWS says a restore of this class at this tier takes; undefined if not offered. */
export function expectedWait(storageClass: string, tier: RestoreTier): ExpectedWait | undefined {
  return WAITS[storageClass]?.[tier];
}

/** A restore quote for objects of a destination in `region` (null region: a folder). */
export function quoteRestore(
  objects: readonly QuotedObject[],
  options: { region: string | null; days: number },
): RestoreQuote {
  const { prices, estimated, region } = pricesFor(options.region ?? 'us-east-1');
  const folder = options.region === null;
  const bytes = objects.reduce((n, o) => n + o.size, 0);
  const cold = folder ? [] : objects.filter((o) => WAITS[o.storageClass] !== undefined);
  const warm = folder ? [...objects] : objects.filter((o) => WAITS[o.storageClass] === undefined);
  const byClass: Record<string, number> = {};
  for (const o of cold) byClass[o.storageClass] = (byClass[o.storageClass] ?? 0) + 1;
  const readableRetrieval = folder ? 0 : retrievalOf(warm, prices);
  const transferOut = folder ? transferNone() : transferOf(bytes, prices);
  const tiers =
    cold.length === 0
      ? []
      : RESTORE_TIERS.map((tier) =>
          quoteTier(tier, cold, prices, options.days, readableRetrieval + transferOut.cost),
        );
  return {
    currency: PRICE_SHEET.currency,
    pricesAsOf: PRICE_SHEET.asOf,
    region: folder ? 'local' : region,
    estimated: folder ? false : estimated,
    days: options.days,
    objects: objects.length,
    bytes,
    toRestore: { objects: cold.length, bytes: sum(cold), byClass },
    readable: { objects: warm.length, bytes: sum(warm), retrievalCost: round(readableRetrieval) },
    transferOut,
    tiers,
  };
}

function quoteTier(
  tier: RestoreTier,
  cold: readonly QuotedObject[],
  prices: RegionPrices,
  days: number,
  extra: number,
): TierQuote {
  const missing = [...new Set(cold.map((o) => o.storageClass))].filter(
    (c) => !expectedWait(c, tier) || !prices.retrieval[c]?.[tier],
  );
  const restoredStorageCost =
    (sum(cold) / GB) * (prices.storagePerGbMonth.STANDARD ?? 0) * ((days + 1) / DAYS_PER_MONTH);
  if (missing.length > 0) {
    return {
      tier,
      available: false,
      unavailableReason: `${missing.map(className).join(' and ')} cannot be restored with the ${tier} tier`,
      retrievalCost: 0,
      requestsCost: 0,
      restoredStorageCost: round(restoredStorageCost),
      total: 0,
      wait: null,
    };
  }
  let perGb = 0;
  let requests = 0;
  for (const o of cold) {
    const price = prices.retrieval[o.storageClass]?.[tier];
    perGb += (o.size / GB) * (price?.perGb ?? 0);
    requests += (price?.per1000 ?? 0) / 1000;
  }
  const waits = cold.map((o) => expectedWait(o.storageClass, tier)!);
  const wait = waits.reduce((a, b) => (b.maxMinutes > a.maxMinutes ? b : a));
  return {
    tier,
    available: true,
    retrievalCost: round(perGb),
    requestsCost: round(requests),
    restoredStorageCost: round(restoredStorageCost),
    total: round(perGb + requests + restoredStorageCost + extra),
    wait,
  };
}

/** Per-GB and per-request fees of reading objects that need no restore (GLACIER_IR, STANDARD_IA). */
function retrievalOf(objects: readonly QuotedObject[], prices: RegionPrices): number {
  let cost = 0;
  for (const o of objects) {
    // The price sheet files the one fee of these classes under "Standard".
    const price = prices.retrieval[o.storageClass]?.Standard;
    if (!price) continue;
    cost += (o.size / GB) * price.perGb + price.per1000 / 1000;
  }
  return cost;
}

function transferOf(bytes: number, prices: RegionPrices): RestoreQuote['transferOut'] {
  const gb = bytes / GB;
  const free = prices.transferOutFreeGbPerMonth;
  return {
    bytes,
    freeGbPerMonth: free,
    cost: round(Math.max(0, gb - free) * prices.transferOutPerGb),
    costWithoutFreeTier: round(gb * prices.transferOutPerGb),
  };
}

function transferNone(): RestoreQuote['transferOut'] {
  return { bytes: 0, freeGbPerMonth: 0, cost: 0, costWithoutFreeTier: 0 };
}

function className(storageClass: string): string {
  return storageClass === 'DEEP_ARCHIVE' ? 'Deep Archive' : storageClass;
}

function sum(objects: readonly QuotedObject[]): number {
  return objects.reduce((n, o) => n + o.size, 0);
}

function round(amount: number): number {
  return Math.round(amount * 10_000) / 10_000;
}
