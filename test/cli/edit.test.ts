/** `greenroom edit` and `greenroom templates` as a user runs them, in a child process. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { PHOTOS, runCli } from './helpers.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-cli-edit-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('templates --json lists at least 12 templates, each with a name, title and suggested shadow', async () => {
  const r = await runCli(['templates', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { name: string; title: string; shadow: string }[];
  assert.ok(list.length >= 12);
  for (const name of ['white-seamless', 'studio-grey', 'white-marble', 'light-oak', 'concrete', 'linen', 'terrazzo', 'golden-hour', 'alpine', 'deep-navy', 'warm-paper', 'pastel']) {
    assert.ok(list.some((t) => t.name === name), `has ${name}`);
  }
  for (const t of list) assert.ok(t.title && ['soft', 'hard', 'floating', 'reflection', 'none'].includes(t.shadow));
});

test('templates --sheet writes a contact sheet', async () => {
  const sheet = path.join(tmp, 'sheet.png');
  const r = await runCli(['templates', '--sheet', sheet]);
  assert.equal(r.code, 0, r.stderr);
  const meta = await sharp(sheet).metadata();
  assert.equal(meta.format, 'png');
  assert.ok(meta.width! > 1000);
});

test('edit --preset amazon-main writes DIR/<name>.jpg at 2000x2000 and --json reports the edit', async () => {
  const out = path.join(tmp, 'amazon');
  const r = await runCli(['edit', path.join(PHOTOS, 'coffee.png'), '--out', out, '--preset', 'amazon-main', '--quality', 'fast', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim()) as Record<string, any>;
  assert.equal(line.output, path.join(out, 'coffee.jpg'));
  assert.deepEqual([line.width, line.height], [2000, 2000]);
  assert.equal(line.preset, 'amazon-main');
  assert.deepEqual(line.background, { type: 'color' });
  assert.deepEqual(Object.keys(line.stages), ['decode', 'segment', 'scene', 'refine', 'layout', 'shadow', 'compose', 'encode']);
  const meta = await sharp(path.join(out, 'coffee.jpg')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 2000, 2000]);
});

test('edit with a prompt, a seed, a shadow and a size reports the words it understood', async () => {
  const out = path.join(tmp, 'prompt');
  const r = await runCli(['edit', path.join(PHOTOS, 'coffee.png'), '--out', out, '--background', 'white marble counter, soft morning light, zorblax', '--seed', '7', '--shadow', 'hard', '--size', '800x600', '--format', 'webp', '--quality', 'fast', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim()) as Record<string, any>;
  assert.equal(line.background.type, 'prompt');
  assert.equal(line.background.seed, 7);
  assert.ok(line.background.understood.length > 0);
  assert.ok(line.background.unknown.includes('zorblax'));
  assert.equal(line.shadow.mode, 'hard');
  const meta = await sharp(path.join(out, 'coffee.webp')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 800, 600]);
});

test('bad flags are usage errors that name the flag, before any work', async () => {
  const cases: [string[], RegExp][] = [
    [['--shadow', 'blurry'], /--shadow \(shadow\.mode\)/],
    [['--size', '20x'], /--size \(layout\.outputSize\)/],
    [['--padding', '70%'], /--padding \(layout\.padding\)/],
    [['--preset', 'tiktok'], /--preset/],
    [['--background', 'template:moon'], /--background/],
    [['--background', 'white', '--seed', '3'], /--seed applies to template and prompt/],
  ];
  for (const [flags, message] of cases) {
    const r = await runCli(['edit', path.join(PHOTOS, 'coffee.png'), '--out', path.join(tmp, 'bad'), ...flags]);
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.ok(!fs.existsSync(path.join(tmp, 'bad')), 'nothing written');
  }
});

test('energy sums the ledger the edits above wrote: totals, per operation and per day, as text, JSON and CSV', async () => {
  const json = await runCli(['energy', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const summary = JSON.parse(json.stdout) as { count: number; joules: number; co2eGrams: number; byOperation: Record<string, { count: number }>; byDay: { day: string }[] };
  assert.ok(summary.count >= 2, `at least the two edits above (${summary.count})`);
  assert.ok(summary.joules > 0 && summary.co2eGrams > 0);
  assert.ok(summary.byOperation.edit!.count >= 2);
  assert.equal(summary.byDay.at(-1)!.day, new Date().toISOString().slice(0, 10));
  const text = await runCli(['energy', '--since', '1d']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /images, [\d.]+ J .*g CO2e, estimated/);
  const csv = await runCli(['energy', '--csv', '--entries']);
  assert.match(csv.stdout.split('\n')[0]!, /^time,operation,job_id,batch_id,input,quality,joules,co2e_grams,method,meter$/);
  const bad = await runCli(['energy', '--since', 'last tuesday']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--since: expected a date/);
});
