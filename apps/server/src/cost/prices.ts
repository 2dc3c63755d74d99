import priceSheet from './prices.json' with { type: 'json' };

/** The price sheet (prices.json): what S3 charges, by region, as of a date. */
export interface RetrievalPrice {
  perGb: number;
  per1000: number;
}

export interface RegionPrices {
  storagePerGbMonth: Record<string, number>;
  putPer1000: Record<string, number>;
  retrieval: Record<string, Partial<Record<'Expedited' | 'Standard' | 'Bulk', RetrievalPrice>>>;
  transferOutPerGb: number;
  transferOutFreeGbPerMonth: number;
}

export interface PriceSheet {
  asOf: string;
  currency: string;
  regions: Record<string, RegionPrices>;
  rules: {
    minimumDays: Record<string, number>;
    minimumBillableBytes: Record<string, number>;
    overheadBytesAtClassRate: Record<string, number>;
    overheadBytesAtStandardRate: Record<string, number>;
  };
}

// Imported, not read at run time: tsc copies it into dist with the code that needs it.
export const PRICE_SHEET: PriceSheet = priceSheet as PriceSheet;

/** The prices of a region; a region the sheet lacks is quoted with us-east-1's, and says so. */
export function pricesFor(region: string): {
  region: string;
  prices: RegionPrices;
  estimated: boolean;
} {
  const exact = PRICE_SHEET.regions[region];
  if (exact) return { region, prices: exact, estimated: false };
  return { region: 'us-east-1', prices: PRICE_SHEET.regions['us-east-1']!, estimated: true };
}
