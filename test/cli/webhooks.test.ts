/**
 * `greenroom batch --callback-url` on the embedded queue (the real model, a child process): the
 * run waits for the delivery, says each failed try, and exits 0 once a receiver accepted it; a
 * refused address or a missing secret is a coded error before any work.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { PHOTOS, runCli } from './helpers.ts';
import { startReceiver, verify } from '../helpers/webhook-receiver.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-cli-hooks-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const SECRET = `whsec_${crypto.randomBytes(32).toString('base64')}`;

test('greenroom batch --callback-url: one signed delivery after a failed try, then exit 0', { timeout: 180_000 }, async () => {
  const receiver = await startReceiver([503]);
  try {
    const out = path.join(tmp, 'out');
    // The CLI polls the job every 200 ms to say each failed try: the backoff leaves the failed state in view that long and more, even on a busy machine.
    const r = await runCli(['batch', path.join(PHOTOS, 'coffee.png'), '--out', out, '--quality', 'fast', '--size', '300x300', '--callback-url', receiver.url], {
      env: { GREENROOM_DATA_DIR: path.join(tmp, 'data'), GREENROOM_WEBHOOK_SECRET: SECRET, GREENROOM_WEBHOOK_PRIVATE: 'allow', GREENROOM_WEBHOOK_BACKOFF_MS: '1500' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(out), ['coffee.png']);
    assert.match(r.stderr, /webhook: try 1 failed \(HTTP 503/);
    assert.match(r.stderr, /webhook delivered to http:\/\/127\.0\.0\.1:\d+\/hooks\/greenroom\?token=abc \(2 tries\)/);
    assert.deepEqual(receiver.requests.map((q) => q.reply), [503, 200]);
    for (const q of receiver.requests) assert.ok(verify(q, SECRET));
    const body = JSON.parse(receiver.requests[1]!.body);
    assert.equal(body.type, 'job.done');
    assert.deepEqual([body.data.total, body.data.done], [1, 1]);
  } finally {
    await receiver.close();
  }
});

test('a refused address or no secret: a coded error before any work, nothing written', async () => {
  const out = path.join(tmp, 'refused');
  const env = { GREENROOM_DATA_DIR: path.join(tmp, 'data2'), GREENROOM_WEBHOOK_SECRET: SECRET };
  const refused = await runCli(['batch', path.join(PHOTOS, 'coffee.png'), '--out', out, '--callback-url', 'http://127.0.0.1:9/hook'], { env });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /GREENROOM_ERR_URL_NOT_ALLOWED/);
  assert.match(refused.stderr, /--callback-url: 127\.0\.0\.1 resolves to a private/);
  const off = await runCli(['batch', path.join(PHOTOS, 'coffee.png'), '--out', out, '--callback-url', 'https://hooks.example.com/x'], { env: { GREENROOM_DATA_DIR: path.join(tmp, 'data2') } });
  assert.equal(off.code, 2, off.stderr);
  assert.match(off.stderr, /GREENROOM_ERR_WEBHOOKS_DISABLED/);
  assert.ok(!fs.existsSync(out), 'no output folder');
});
