/**
 * Lengths as Photoroom's positioning API writes them: a ratio (0.1), a percentage ("10%") or
 * pixels ("40px"), resolved against the side they measure.
 */
import { invalid } from '../pipeline/validate.ts';

export type Length = { unit: 'ratio'; value: number } | { unit: 'px'; value: number };

const EXPECTED = 'a ratio from 0 to 0.49, a percentage such as "10%" (up to 49%), or pixels such as "40px"';

export function parseLength(value: number | string, field: string): Length {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > 0.49) throw invalid(field, EXPECTED, value);
    return { unit: 'ratio', value };
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%|px)?\s*$/i.exec(value);
  if (!m) throw invalid(field, EXPECTED, value);
  const n = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  if (unit === 'px') {
    if (n > 10000) throw invalid(field, EXPECTED, value);
    return { unit: 'px', value: n };
  }
  const ratio = unit === '%' ? n / 100 : n;
  if (ratio > 0.49) throw invalid(field, EXPECTED, value);
  return { unit: 'ratio', value: ratio };
}

/** The length in pixels along a side of `along` pixels. */
export function toPixels(length: Length, along: number): number {
  return length.unit === 'px' ? length.value : length.value * along;
}
