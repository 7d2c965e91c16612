/**
 * Median of a list (mean of the middle two for an even count); NaN for an empty list.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A rate for a table cell: thousands separators, no decimals.
 *
 * @example
 * formatRate(23512.7); // '23,513'
 */
export function formatRate(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/**
 * A ratio for a table cell, e.g. `0.31×`; `digits` decimals below 10.
 *
 * @example
 * formatRatio(0.3141); // '0.31×'
 * formatRatio(0.8493, 3); // '0.849×'
 */
export function formatRatio(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 10 ? value.toFixed(digits - 1) : value.toFixed(digits)}×`;
}

/**
 * Bytes as MiB with one decimal.
 *
 * @example
 * formatMiB(5 * 1024 * 1024); // '5.0 MiB'
 */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
