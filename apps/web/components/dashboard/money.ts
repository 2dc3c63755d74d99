import { formatMoney } from '../../lib/format';

const SMALLEST = 0.0001;

/**
 * A monthly cost: as `formatMoney`, but a cost too small for its four decimals (a few MB in
 * Deep Archive) reads "under $0.0001", never a misleading "$0.0000".
 */
export function formatMonthly(amount: number, currency = 'USD'): string {
  if (amount > 0 && amount < SMALLEST) return `under ${formatMoney(SMALLEST, currency)}`;
  return formatMoney(amount, currency);
}

/** An axis label: money from a cent up, fractions of a cent below ("0.02¢"), as USD prices go. */
export function formatTick(amount: number, currency = 'USD'): string {
  if (amount === 0) return '0';
  if (amount >= 0.01 || currency !== 'USD') return formatMoney(amount, currency);
  return `${Number((amount * 100).toPrecision(2))}¢`;
}
