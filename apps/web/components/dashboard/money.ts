import { formatMoney } from '../../lib/format';

/**
 * A chart axis label: money from a cent up, fractions of a cent below ("0.02¢"), as small
 * archives cost; `formatMoney` would print every tick under $0.0001 the same.
 */
export function formatTick(amount: number, currency = 'USD'): string {
  if (amount === 0) return '0';
  if (amount >= 0.01 || currency !== 'USD') return formatMoney(amount, currency);
  return `${Number((amount * 100).toPrecision(2))}¢`;
}
