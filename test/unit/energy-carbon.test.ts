/** Carbon: grid intensity by figure, by country and by default, times PUE. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { co2eGrams, resolveGridIntensity, WORLD_DEFAULT_G_PER_KWH } from '../../src/energy/carbon.ts';
import { GRID_G_PER_KWH } from '../../src/energy/carbon-table.ts';
import { isGreenroomError } from '../../src/errors.ts';

const KWH = 3.6e6;

describe('carbon', () => {
  test('world default 475 g/kWh and PUE 1.0', () => {
    const grid = resolveGridIntensity();
    assert.equal(grid.gPerKWh, WORLD_DEFAULT_G_PER_KWH);
    assert.equal(grid.pue, 1);
    assert.equal(co2eGrams(KWH, grid), 475);
  });

  test('by country code (any case), times PUE', () => {
    const fr = resolveGridIntensity({ country: 'fr', pue: 1.5 });
    assert.equal(fr.country, 'FR');
    assert.equal(fr.gPerKWh, 67.4);
    assert.match(fr.source, /France: Our World in Data/);
    assert.ok(Math.abs(co2eGrams(KWH, fr) - 67.4 * 1.5) < 1e-9);
    assert.ok(Math.abs(co2eGrams(1000, resolveGridIntensity({ country: 'PL' })) - (1000 / KWH) * 660.1) < 1e-12);
  });

  test('a configured figure wins over the country', () => {
    assert.equal(resolveGridIntensity({ gPerKWh: 12, country: 'PL' }).gPerKWh, 12);
  });

  test('an unknown country or a PUE below 1 is INVALID_CONFIG', () => {
    assert.throws(() => resolveGridIntensity({ country: 'XX' }), (err) => isGreenroomError(err, 'INVALID_CONFIG') && /XX/.test(err.message));
    assert.throws(() => resolveGridIntensity({ pue: 0.9 }), (err) => isGreenroomError(err, 'INVALID_CONFIG'));
  });

  test('the table holds about 30 countries with plausible figures', () => {
    const rows = Object.entries(GRID_G_PER_KWH);
    assert.ok(rows.length >= 30);
    for (const [code, row] of rows) {
      assert.match(code, /^[A-Z]{2}$/);
      assert.ok(row.gPerKWh > 10 && row.gPerKWh < 900, code);
    }
  });
});
