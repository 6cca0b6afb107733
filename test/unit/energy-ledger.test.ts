/** The JSON-lines ledger: append, summarise, CSV, filters, concurrent appends and a crash-truncated last line. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonlLedger, entriesToCsv, ledgerEntry, ledgerPath, summaryToCsv, type LedgerEntry } from '../../src/energy/ledger.ts';
import { buildReceipt } from '../../src/energy/receipt.ts';
import { resolveGridIntensity } from '../../src/energy/carbon.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-ledger-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function entry(time: string, operation: LedgerEntry['operation'], joules: number, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return { time, operation, joules, co2eGrams: joules / 10, method: 'estimated', meter: 'cpu-model', stages: [{ stage: 'segment', ms: 1, cpuMs: 2, joules }], ...extra };
}

describe('JsonlLedger', () => {
  test('lives at <dataDir>/energy/ledger.jsonl; an absent file is an empty ledger', async () => {
    const ledger = JsonlLedger.inDataDir(path.join(tmp, 'empty'));
    assert.equal(ledger.file, path.join(tmp, 'empty', 'energy', 'ledger.jsonl'));
    assert.equal(ledgerPath('/d'), path.join('/d', 'energy', 'ledger.jsonl'));
    assert.deepEqual(await ledger.entries(), []);
    assert.equal((await ledger.summarise()).count, 0);
  });

  test('append, summarise per operation and per UTC day, since/until filters, CSV', async () => {
    const ledger = JsonlLedger.inDataDir(path.join(tmp, 'basic'));
    await ledger.append(entry('2026-11-22T23:30:00.000Z', 'cutout', 7.5, { input: 'mug, blue.jpg', quality: 'best', jobId: 'j1' }));
    await ledger.append(entry('2026-11-23T08:00:00.000+02:00', 'batch-item', 2, { batchId: 'b1' })); // 06:00Z on the 23rd
    await ledger.append(entry('2026-11-24T10:00:00.000Z', 'edit', 0.5));
    const text = fs.readFileSync(ledger.file, 'utf8');
    assert.equal(text.split('\n').length, 4);

    const all = await ledger.summarise();
    assert.equal(all.count, 3);
    assert.equal(all.joules, 10);
    assert.equal(all.co2eGrams, 1);
    assert.deepEqual(all.byOperation.cutout, { count: 1, joules: 7.5, co2eGrams: 0.75 });
    assert.deepEqual(all.byDay.map((d) => [d.day, d.count]), [['2026-11-22', 1], ['2026-11-23', 1], ['2026-11-24', 1]]);
    assert.equal(all.skippedLines, 0);

    const since = await ledger.summarise({ since: '2026-11-23T00:00:00Z' });
    assert.equal(since.count, 2);
    assert.equal(since.joules, 2.5);
    const window = await ledger.entries({ since: new Date('2026-11-23T00:00:00Z'), until: '2026-11-24T00:00:00Z' });
    assert.deepEqual(window.map((e) => e.operation), ['batch-item']);

    const csv = entriesToCsv(await ledger.entries());
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'time,operation,job_id,batch_id,input,quality,joules,co2e_grams,method,meter');
    assert.equal(lines.length, 4);
    assert.equal(lines[1], '2026-11-22T23:30:00.000Z,cutout,j1,,"mug, blue.jpg",best,7.5,0.75,estimated,cpu-model');
    const summaryCsv = summaryToCsv(all).trim().split('\n');
    assert.equal(summaryCsv[0], 'group,key,count,joules,co2e_grams');
    assert.equal(summaryCsv.at(-1), 'total,,3,10,1');
  });

  test('a truncated last line (crash mid-write) loses no earlier entry, and the next append starts clean', async () => {
    const ledger = JsonlLedger.inDataDir(path.join(tmp, 'crash'));
    await ledger.append(entry('2026-11-24T10:00:00.000Z', 'cutout', 1));
    await ledger.append(entry('2026-11-24T10:01:00.000Z', 'cutout', 2));
    fs.appendFileSync(ledger.file, '{"time":"2026-11-24T10:02:00.000Z","operation":"cut');
    let summary = await ledger.summarise();
    assert.equal(summary.count, 2);
    assert.equal(summary.joules, 3);
    assert.equal(summary.skippedLines, 1);

    await ledger.append(entry('2026-11-24T10:03:00.000Z', 'edit', 4));
    summary = await ledger.summarise();
    assert.equal(summary.count, 3);
    assert.equal(summary.joules, 7);
    assert.equal(summary.skippedLines, 1);
  });

  test('concurrent appends all land, one line each', async () => {
    const ledger = JsonlLedger.inDataDir(path.join(tmp, 'concurrent'));
    const other = new JsonlLedger(ledger.file); // a second writer on the same file
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? ledger : other).append(entry(new Date(Date.UTC(2026, 10, 24, 0, i)).toISOString(), 'batch-item', 1))));
    const summary = await ledger.summarise();
    assert.equal(summary.count, 40);
    assert.equal(summary.skippedLines, 0);
  });

  test('an entry from a receipt; invalid entries are refused', async () => {
    const receipt = buildReceipt(
      { stages: [{ stage: 'segment', ms: 1870, cpuMs: 3740, joules: 7.0125, wallShareMs: 1870, idleJoules: 0 }], cpuMs: 3740, joules: 7.0125, idleJoules: 0 },
      { meter: { name: 'cpu-model', method: 'estimated', basis: 'b', device: 'd' }, grid: resolveGridIntensity() },
    );
    const e = ledgerEntry(receipt, { operation: 'cutout', input: 'mug.jpg', quality: 'best', time: new Date('2026-11-24T12:00:00Z') });
    assert.deepEqual(e, {
      time: '2026-11-24T12:00:00.000Z',
      operation: 'cutout',
      input: 'mug.jpg',
      quality: 'best',
      joules: 7.013,
      co2eGrams: receipt.co2eGrams,
      method: 'estimated',
      meter: 'cpu-model',
      stages: [{ stage: 'segment', ms: 1870, cpuMs: 3740, joules: 7.013 }],
    });
    const ledger = JsonlLedger.inDataDir(path.join(tmp, 'invalid'));
    await assert.rejects(ledger.append({ ...e, joules: -1 }), /Invalid ledger entry: joules/);
    await assert.rejects(ledger.append({ ...e, time: 'yesterday' }), /Invalid ledger entry: time/);
  });
});
