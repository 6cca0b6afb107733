/**
 * Carbon: CO2e grams = kWh x grid intensity (g/kWh) x PUE, the CodeCarbon method.
 *
 * The intensity is, in order: a configured figure (GREENROOM_GRID_G_PER_KWH), a country's row
 * (GREENROOM_GRID_COUNTRY, see carbon-table.ts), else the world default 475 g/kWh (CodeCarbon's
 * fallback). PUE (GREENROOM_PUE) defaults to 1.0, as in CodeCarbon: a laptop or a single server
 * has no data-centre overhead; a cloud machine would be 1.1-1.6.
 */
import { GreenroomError } from '../errors.ts';
import { GRID_G_PER_KWH, GRID_TABLE_SOURCE } from './carbon-table.ts';

export const WORLD_DEFAULT_G_PER_KWH = 475;
export const DEFAULT_PUE = 1.0;
const JOULES_PER_KWH = 3.6e6;

export interface GridIntensity {
  readonly gPerKWh: number;
  readonly pue: number;
  /** ISO 3166-1 alpha-2, when chosen by country. */
  readonly country?: string;
  /** Where the figure came from, for receipts and docs. */
  readonly source: string;
}

export interface GridOptions {
  gPerKWh?: number;
  country?: string;
  pue?: number;
}

/** Resolves the grid intensity; an unknown country is a coded INVALID_CONFIG error. */
export function resolveGridIntensity(options: GridOptions = {}): GridIntensity {
  const pue = options.pue ?? DEFAULT_PUE;
  if (!(pue >= 1)) throw new GreenroomError('INVALID_CONFIG', `GREENROOM_PUE must be 1.0 or more (got ${pue}).`, { field: 'GREENROOM_PUE', value: pue });
  if (options.gPerKWh !== undefined) {
    if (!(options.gPerKWh >= 0)) throw new GreenroomError('INVALID_CONFIG', `GREENROOM_GRID_G_PER_KWH must be 0 or more (got ${options.gPerKWh}).`, { field: 'GREENROOM_GRID_G_PER_KWH' });
    return { gPerKWh: options.gPerKWh, pue, source: 'configured (GREENROOM_GRID_G_PER_KWH)' };
  }
  if (options.country !== undefined) {
    const code = options.country.toUpperCase();
    const row = GRID_G_PER_KWH[code];
    if (!row) {
      throw new GreenroomError(
        'INVALID_CONFIG',
        `GREENROOM_GRID_COUNTRY "${options.country}" is not in the grid table; use one of ${Object.keys(GRID_G_PER_KWH).join(', ')}, or set GREENROOM_GRID_G_PER_KWH.`,
        { field: 'GREENROOM_GRID_COUNTRY', value: options.country },
      );
    }
    return { gPerKWh: row.gPerKWh, pue, country: code, source: `${row.name}: ${GRID_TABLE_SOURCE}` };
  }
  return { gPerKWh: WORLD_DEFAULT_G_PER_KWH, pue, source: 'world default 475 g/kWh (CodeCarbon fallback)' };
}

/** CO2e grams for the given joules. */
export function co2eGrams(joules: number, grid: Pick<GridIntensity, 'gPerKWh' | 'pue'>): number {
  return (joules / JOULES_PER_KWH) * grid.gPerKWh * grid.pue;
}
