import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { PHOTOS, ROOT, runCli } from './helpers.ts';

let tmp: string;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-cli-'));
});

after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh folder under the test's temp dir holding copies of the named fixture photos. */
function folderWith(name: string, photos: string[]): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const p of photos) fs.copyFileSync(path.join(PHOTOS, p), path.join(dir, p));
  return dir;
}

/** Random bytes that start with no known image signature. */
function garbage(): Buffer {
  const b = crypto.randomBytes(4096);
  b.write('junk', 0, 'latin1');
  return b;
}

test('--version, --help and help COMMAND', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const v = await runCli(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), pkg.version);
  const h = await runCli(['cutout', '--help']);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /Usage: greenroom cutout/);
  assert.match(h.stdout, /--crop-margin/);
  const m = await runCli(['help', 'models']);
  assert.equal(m.code, 0);
  assert.match(m.stdout, /Usage: greenroom models/);
});

test('an unknown flag, an unknown command or no command exits 2 with the usage', async () => {
  const flag = await runCli(['cutout', 'x.jpg', '--bogus']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--bogus/);
  assert.match(flag.stderr, /Usage: greenroom cutout/);
  assert.doesNotMatch(flag.stderr, /    at /, 'no stack trace');
  const cmd = await runCli(['frobnicate']);
  assert.equal(cmd.code, 2);
  assert.match(cmd.stderr, /unknown command "frobnicate"/);
  const none = await runCli([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Usage:/);
});

test('a bad option value exits 2 with its code, before any work', async () => {
  const out = path.join(tmp, 'never');
  const r = await runCli(['cutout', path.join(PHOTOS, 'chelsea.png'), '--out', out, '--crop-margin', '80%']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error GREENROOM_ERR_INVALID_OPTION: --crop-margin: /m);
  assert.equal(fs.existsSync(out), false);
  const f = await runCli(['cutout', 'x.png', '--format', 'gif']);
  assert.equal(f.code, 2);
  assert.match(f.stderr, /GREENROOM_ERR_INVALID_OPTION: --format must be one of png, webp, avif, jpeg, jpg/);
});

test('models --json lists isnet-int8 as the default, isnet (fp16) beside it', async () => {
  const r = await runCli(['models', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const listing = JSON.parse(r.stdout) as { models: { id: string; default: boolean; sizeMB: number; precision: string; license: string; cachedPath: string | null }[] };
  const int8 = listing.models.find((m) => m.id === 'isnet-int8');
  assert.ok(int8);
  assert.equal(int8.default, true);
  assert.equal(int8.precision, 'int8');
  const fp16 = listing.models.find((m) => m.id === 'isnet');
  assert.ok(fp16);
  assert.equal(fp16.default, false);
  assert.equal(fp16.precision, 'fp16');
  assert.ok(fp16.sizeMB > 50);
  const text = await runCli(['models']);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^isnet-int8 {2}\(default\)$/m);
});

test('a folder with 2 photos, a corrupt and an empty file: 2 cutouts, both failures named, exit 1', async () => {
  const dir = folderWith('batch', ['chelsea.png', 'coffee.png']);
  fs.writeFileSync(path.join(dir, 'corrupt.png'), garbage());
  fs.writeFileSync(path.join(dir, 'empty.jpg'), '');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an image, skipped by extension');
  const out = path.join(tmp, 'batch-out');
  const r = await runCli(['cutout', dir, '--out', out, '--quality', 'fast']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /corrupt\.png: GREENROOM_ERR_NOT_AN_IMAGE /);
  assert.match(r.stderr, /empty\.jpg: GREENROOM_ERR_EMPTY_INPUT /);
  assert.doesNotMatch(r.stderr, /notes\.txt/);
  assert.doesNotMatch(r.stderr, /    at /, 'no stack trace');
  assert.deepEqual(fs.readdirSync(out).sort(), ['chelsea.png', 'coffee.png'], 'only the outputs, no temp files');
  for (const name of ['chelsea.png', 'coffee.png']) {
    const src = await sharp(path.join(dir, name)).metadata();
    const got = await sharp(path.join(out, name)).metadata();
    assert.equal(got.format, 'png');
    assert.equal(got.width, src.width);
    assert.equal(got.height, src.height);
    assert.equal(got.channels, 4);
  }
});

test('--json prints one line per input, in order, with stages, and a line for a failure', async () => {
  const dir = folderWith('json', ['coffee.png']);
  fs.writeFileSync(path.join(dir, 'bad.png'), garbage());
  const out = path.join(tmp, 'json-out');
  const r = await runCli(['cutout', path.join(dir, 'coffee.png'), path.join(dir, 'bad.png'), '--out', out, '--quality', 'fast', '--json']);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  assert.equal(lines.length, 2);
  const [ok, bad] = lines as [Record<string, any>, Record<string, any>];
  assert.equal(ok.file, path.join(dir, 'coffee.png'));
  assert.equal(ok.output, path.join(out, 'coffee.png'));
  assert.deepEqual([ok.width, ok.height], [600, 400]);
  assert.equal(ok.model, 'isnet-int8');
  assert.equal(ok.quality, 'fast');
  assert.equal(ok.workingSize, 512);
  assert.deepEqual(Object.keys(ok.stages).sort(), ['decode', 'encode', 'refine', 'segment']);
  for (const ms of Object.values(ok.stages)) assert.ok(typeof ms === 'number' && ms >= 0);
  assert.ok(ok.totalMs > 0);
  assert.ok(ok.subject && ok.subject.width > 0 && ok.subject.height > 0);
  assert.equal(bad.file, path.join(dir, 'bad.png'));
  assert.equal(bad.error.code, 'GREENROOM_ERR_NOT_AN_IMAGE');
  assert.equal(typeof bad.error.message, 'string');
  assert.match(r.stderr, /bad\.png: GREENROOM_ERR_NOT_AN_IMAGE/);
});

test('--channels alpha writes the matte as a one-channel grayscale PNG', async () => {
  const out = path.join(tmp, 'alpha-out');
  const r = await runCli(['cutout', path.join(PHOTOS, 'chelsea.png'), '--out', out, '--channels', 'alpha', '--quality', 'fast']);
  assert.equal(r.code, 0, r.stderr);
  const meta = await sharp(path.join(out, 'chelsea.png')).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.channels, 1);
  assert.equal(meta.hasAlpha, false);
  assert.deepEqual([meta.width, meta.height], [451, 300]);
});

test('greenroom cutout photo.heic works like a JPEG; a folder picks .heic files up too', async () => {
  const heic = path.join(ROOT, 'test', 'fixtures', 'heic', 'coffee-p3-icc-rot90.heic');
  const out = path.join(tmp, 'heic-out');
  const r = await runCli(['cutout', heic, '--out', out, '--quality', 'fast', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim().split('\n')[0]!) as { width: number; height: number };
  assert.deepEqual([line.width, line.height], [240, 320]);
  const meta = await sharp(path.join(out, 'coffee-p3-icc-rot90.png')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.hasAlpha], ['png', 240, 320, true]);
  const dir = path.join(tmp, 'heic-folder');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(heic, path.join(dir, 'IMG_0001.HEIC'));
  const folder = await runCli(['cutout', dir, '--out', path.join(tmp, 'heic-folder-out'), '--quality', 'fast']);
  assert.equal(folder.code, 0, folder.stderr);
  assert.deepEqual(fs.readdirSync(path.join(tmp, 'heic-folder-out')), ['IMG_0001.png']);
});

test('--format jpeg --bg-color white writes a .jpg with no alpha', async () => {
  const out = path.join(tmp, 'jpeg-out');
  const r = await runCli(['cutout', path.join(PHOTOS, 'coffee.png'), '--out', out, '--format', 'jpeg', '--bg-color', 'white', '--quality', 'fast']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fs.readdirSync(out), ['coffee.jpg']);
  const meta = await sharp(path.join(out, 'coffee.jpg')).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.channels, 3);
  assert.equal(meta.hasAlpha, false);
  assert.deepEqual([meta.width, meta.height], [600, 400]);
});

test('same base names get a -2 suffix, odd extensions are tried when named, missing files fail', async () => {
  const a = folderWith('same-a', ['chelsea.png']);
  const b = path.join(tmp, 'same-b');
  fs.mkdirSync(b);
  fs.copyFileSync(path.join(PHOTOS, 'coffee.png'), path.join(b, 'chelsea.data'));
  const missing = path.join(tmp, 'nope.jpg');
  const out = path.join(tmp, 'same-out');
  const r = await runCli(['cutout', path.join(a, 'chelsea.png'), path.join(b, 'chelsea.data'), missing, a, '--out', out, '--format', 'webp', '--quality', 'fast']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /chelsea\.data -> .*chelsea-2\.webp/);
  assert.match(r.stderr, /nope\.jpg: GREENROOM_ERR_INPUT_NOT_FOUND /);
  assert.deepEqual(fs.readdirSync(out).sort(), ['chelsea-2.webp', 'chelsea.webp']);
  assert.deepEqual((await sharp(path.join(out, 'chelsea.webp')).metadata()).width, 451);
  assert.deepEqual((await sharp(path.join(out, 'chelsea-2.webp')).metadata()).width, 600);
});

test('start cuts out the bundled samples into ./out/samples', async () => {
  const cwd = path.join(tmp, 'start');
  fs.mkdirSync(cwd);
  const r = await runCli(['start', '--quality', 'fast'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const photos = fs.readdirSync(PHOTOS).filter((f) => /\.(png|jpe?g)$/i.test(f));
  const written = fs.readdirSync(path.join(cwd, 'out', 'samples')).sort();
  assert.deepEqual(written, photos.map((f) => `${path.parse(f).name}.png`).sort());
  assert.match(r.stdout, /greenroom cutout YOUR_PHOTOS --out DIR/);
  for (const f of photos) assert.match(r.stdout, new RegExp(f.replace('.', '\\.')));
});
