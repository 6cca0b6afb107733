/**
 * Energy receipts through the studio: every result carries one, stages add up, the ledger
 * records each job, and a budget that cannot be met is refused before any work. A stand-in
 * segmenter (a centred ellipse, burning a little CPU) keeps these fast; real sharp and photos.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EDIT_COMPOSE_CPU_SECONDS, Studio } from '../../src/studio.ts';
import { getModelSpec } from '../../src/models/manifest.ts';
import type { Segmenter } from '../../src/models/segmenter.ts';
import { photo } from '../helpers/images.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-energy-'));
let calls = 0;
let studio: Studio;

/** A matte with an ellipse in the middle; spins ~30 ms of CPU like a (tiny) network would. */
const fakeSegmenter = async (modelId: string): Promise<Segmenter> => ({
  model: getModelSpec(modelId),
  async segment(_rgb, size, onStart) {
    calls++;
    onStart?.();
    const end = performance.now() + 30;
    while (performance.now() < end);
    const m = new Float32Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) m[y * size + x] = ((x - size / 2) / (size * 0.3)) ** 2 + ((y - size / 2) / (size * 0.35)) ** 2 < 1 ? 1 : 0;
    return m;
  },
  close: async () => {},
});

before(async () => {
  studio = await Studio.open({ segmenterFactory: fakeSegmenter, dataDir });
});
after(async () => {
  await studio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('energy receipts on results', () => {
  test('a cutout carries an estimated receipt whose stages add up to the total', async () => {
    const r = await studio.cutout(photo('coffee.png'));
    const e = r.energy!;
    assert.equal(e.method, 'estimated');
    assert.equal(e.meter, 'cpu-model');
    assert.match(e.basis, /W per thread|watts per thread/i);
    assert.deepEqual(e.stages.map((s) => s.stage), ['decode', 'segment', 'refine', 'encode']);
    const sum = e.stages.reduce((s, x) => s + Math.round(x.joules * 1000), 0) / 1000;
    assert.equal(e.joules, sum);
    assert.ok(e.joules > 0);
    assert.ok(e.co2eGrams > 0);
    assert.ok(e.reference.ratio > 0 && e.reference.ratio < 0.01);
    const segment = e.stages.find((s) => s.stage === 'segment')!;
    assert.ok(segment.cpuMs >= 20, `the stand-in network burned CPU (${segment.cpuMs} ms)`);
  });

  test('an edit carries stages for scene, layout, shadow, compose and encode too', async () => {
    const r = await studio.edit(photo('coffee.png'), { background: 'template:studio-grey', shadow: 'soft', layout: { outputSize: '800x800' } });
    assert.deepEqual(r.energy!.stages.map((s) => s.stage), ['decode', 'segment', 'scene', 'refine', 'layout', 'shadow', 'compose', 'encode']);
  });

  test('the ledger records every job', async () => {
    const before = (await studio.energy.ledger.entries()).length;
    await studio.cutout(photo('chelsea.png'), {}, { batchId: 'b-1' });
    const entries = await studio.energy.ledger.entries();
    assert.equal(entries.length, before + 1);
    const last = entries.at(-1)!;
    assert.equal(last.operation, 'cutout');
    assert.equal(last.batchId, 'b-1');
    assert.equal(last.input, 'chelsea.png');
    assert.ok(fs.existsSync(path.join(dataDir, 'energy', 'ledger.jsonl')));
  });
});

describe('energy budgets', () => {
  test('a budget that cannot be met is refused before any work, stating the estimate', async () => {
    const n = calls;
    await assert.rejects(studio.edit(photo('coffee.png'), { energy: { budgetJ: 0.01 } }), (e: any) => {
      assert.equal(e.code, 'GREENROOM_ERR_ENERGY_BUDGET_EXCEEDED');
      assert.match(e.message, /estimated at [\d.]+ J/);
      assert.equal(e.details.budgetJ, 0.01);
      return true;
    });
    assert.equal(calls, n, 'the network never ran');
  });

  test('a budget that fits fast but not best runs at fast and says so', async () => {
    const bytes = fs.readFileSync(photo('coffee.png'));
    const fastJ = (await studio.planBudget(bytes, 1e6, 'fast', EDIT_COMPOSE_CPU_SECONDS)).estimateJ;
    const balancedJ = (await studio.planBudget(bytes, 1e6, 'balanced', EDIT_COMPOSE_CPU_SECONDS)).estimateJ;
    assert.ok(fastJ * 1.05 < balancedJ);
    const r = await studio.edit(photo('coffee.png'), { energy: { budgetJ: fastJ * 1.05 } });
    assert.equal(r.budget!.quality, 'fast');
    assert.equal(r.budget!.requested, 'best');
    assert.equal(r.budget!.downgraded, true);
    assert.equal(r.quality, 'fast');
  });
});
