/**
 * Carbon intensity of electricity generation by country, gCO2e per kWh.
 *
 * Source: Our World in Data, energy dataset ("carbon_intensity_elec", built on Ember's yearly
 * electricity data and the Energy Institute's Statistical Review), year 2021, as redistributed in
 * CodeCarbon's `codecarbon/data/private_infra/global_energy_mix.json`. Figures are lifecycle
 * emissions of generation, rounded to 0.1 g. Grids have since got cleaner in most of these
 * countries (several by 10-20%); set GREENROOM_GRID_G_PER_KWH for a current or local figure.
 * Keys are ISO 3166-1 alpha-2 codes.
 */

export const GRID_TABLE_SOURCE = 'Our World in Data energy dataset (Ember), 2021, via CodeCarbon global_energy_mix.json';
export const GRID_TABLE_YEAR = 2021;

export const GRID_G_PER_KWH: Readonly<Record<string, { readonly name: string; readonly gPerKWh: number }>> = {
  AR: { name: 'Argentina', gPerKWh: 357.8 },
  AT: { name: 'Austria', gPerKWh: 147.6 },
  AU: { name: 'Australia', gPerKWh: 531.2 },
  BE: { name: 'Belgium', gPerKWh: 156.9 },
  BR: { name: 'Brazil', gPerKWh: 158.6 },
  CA: { name: 'Canada', gPerKWh: 128.5 },
  CH: { name: 'Switzerland', gPerKWh: 47.1 },
  CL: { name: 'Chile', gPerKWh: 416.9 },
  CN: { name: 'China', gPerKWh: 544.4 },
  CZ: { name: 'Czechia', gPerKWh: 405.6 },
  DE: { name: 'Germany', gPerKWh: 365.5 },
  DK: { name: 'Denmark', gPerKWh: 221.4 },
  ES: { name: 'Spain', gPerKWh: 193.9 },
  FI: { name: 'Finland', gPerKWh: 145.5 },
  FR: { name: 'France', gPerKWh: 67.4 },
  GB: { name: 'United Kingdom', gPerKWh: 268.3 },
  ID: { name: 'Indonesia', gPerKWh: 623.2 },
  IE: { name: 'Ireland', gPerKWh: 363.6 },
  IN: { name: 'India', gPerKWh: 637.2 },
  IS: { name: 'Iceland', gPerKWh: 28.6 },
  IT: { name: 'Italy', gPerKWh: 340.8 },
  JP: { name: 'Japan', gPerKWh: 478.5 },
  KR: { name: 'South Korea', gPerKWh: 458.1 },
  MX: { name: 'Mexico', gPerKWh: 399.9 },
  NL: { name: 'Netherlands', gPerKWh: 388.7 },
  NO: { name: 'Norway', gPerKWh: 27.6 },
  NZ: { name: 'New Zealand', gPerKWh: 132.4 },
  PL: { name: 'Poland', gPerKWh: 660.1 },
  PT: { name: 'Portugal', gPerKWh: 219.1 },
  SA: { name: 'Saudi Arabia', gPerKWh: 571.3 },
  SE: { name: 'Sweden', gPerKWh: 45.8 },
  SG: { name: 'Singapore', gPerKWh: 487.9 },
  TR: { name: 'Turkey', gPerKWh: 430.4 },
  TW: { name: 'Taiwan', gPerKWh: 573.3 },
  US: { name: 'United States', gPerKWh: 379.3 },
  ZA: { name: 'South Africa', gPerKWh: 715.7 },
};
