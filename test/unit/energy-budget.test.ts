/** Energy budgets: planned before any work, downgraded when needed, refused with a coded error. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateCutout, planWithinBudget, runWithinBudget, CUTOUT_CALIBRATION } from '../../src/energy/budget.ts';
import { isGreenroomError } from '../../src/errors.ts';
import type { Quality } from '../../src/models/manifest.ts';

const W = 1.875; // this machine's watts per thread (EPYC family median)
const estimate = (q: Quality) => estimateCutout(q, { megapixels: 1.5, wattsPerThread: W }).joules;

describe('estimateCutout', () => {
  test('network per image (best: up to 2 passes, its context pass included; max: three), the other stages per megapixel, converted by watts per thread', () => {
    const { network, perMegapixel } = CUTOUT_CALIBRATION;
    const rest = 1.5 * (perMegapixel.decode + perMegapixel.refine + perMegapixel.encode);
    const best = estimateCutout('best', { megapixels: 1.5, wattsPerThread: W });
    assert.ok(Math.abs(best.cpuSeconds - (2 * network.int8.best.cpuSeconds + rest)) < 1e-9, `${best.cpuSeconds}`);
    const fp16 = estimateCutout('best', { megapixels: 1.5, wattsPerThread: W, precision: 'fp16' });
    assert.ok(Math.abs(fp16.cpuSeconds - (2 * network.fp16.best.cpuSeconds + rest)) < 1e-9, 'fp16 costs its own measured network');
    const max = estimateCutout('max', { megapixels: 1.5, wattsPerThread: W });
    assert.ok(Math.abs(max.cpuSeconds - (3 * network.int8.best.cpuSeconds + rest)) < 1e-9, 'max: three passes at best\'s size');
    assert.equal(estimateCutout('fast', { megapixels: 1.5, wattsPerThread: W, precision: 'quint8' }).cpuSeconds, estimateCutout('fast', { megapixels: 1.5, wattsPerThread: W, precision: 'fp16' }).cpuSeconds, 'an uncalibrated precision is estimated as fp16');
    assert.ok(Math.abs(best.joules - best.cpuSeconds * W) < 1e-9);
    const big = estimateCutout('best', { megapixels: 12, wattsPerThread: W, memoryWatts: 0.5, extra: [{ stage: 'compose', cpuSeconds: 0.1 }] });
    assert.ok(big.joules > best.joules);
    assert.deepEqual(big.stages.map((s) => s.stage), ['decode', 'segment', 'refine', 'encode', 'compose']);
    assert.ok(estimate('fast') < estimate('balanced') && estimate('balanced') < estimate('best') && estimate('best') < estimate('max'));
    assert.equal(CUTOUT_CALIBRATION.megapixels, 1.5);
  });
});

describe('planWithinBudget', () => {
  test('keeps the requested quality when it fits', () => {
    const plan = planWithinBudget(100, 'best', estimate);
    assert.equal(plan.quality, 'best');
    assert.equal(plan.downgraded, false);
  });

  test('picks fast when best and balanced do not fit', () => {
    const budget = (estimate('fast') + estimate('balanced')) / 2;
    const plan = planWithinBudget(budget, 'best', estimate);
    assert.equal(plan.quality, 'fast');
    assert.equal(plan.downgraded, true);
    assert.ok(plan.estimateJ <= budget);
    assert.deepEqual(Object.keys(plan.estimates), ['best', 'balanced', 'fast']);
    assert.equal(planWithinBudget((estimate('balanced') + estimate('best')) / 2, 'best', estimate).quality, 'balanced');
  });

  test('never upgrades past the requested quality', () => {
    assert.equal(planWithinBudget(1000, 'fast', estimate).quality, 'fast');
  });

  test('an impossible budget throws ENERGY_BUDGET_EXCEEDED, stating estimate and budget, before any work', async () => {
    let worked = false;
    await assert.rejects(
      runWithinBudget(0.5, 'best', estimate, async () => {
        worked = true;
      }),
      (err) => {
        assert.ok(isGreenroomError(err, 'ENERGY_BUDGET_EXCEEDED'));
        assert.equal(err.status, 422);
        assert.match(err.message, new RegExp(`"fast" is estimated at ${estimate('fast').toPrecision(3).replace('.', '\\.')} J, over the budget of 0\\.500 J`));
        assert.equal(err.details.budgetJ, 0.5);
        return true;
      },
    );
    assert.equal(worked, false);
  });

  test('runs the work with the plan when it fits; a non-positive budget is an invalid option', async () => {
    assert.equal(await runWithinBudget(estimate('fast') * 1.01, 'best', estimate, async (plan) => plan.quality), 'fast');
    assert.throws(() => planWithinBudget(0, 'best', estimate), (err) => isGreenroomError(err, 'INVALID_OPTION'));
  });
});
