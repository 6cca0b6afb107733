/** The server's small pure parts: token buckets, the in-flight limiter, address checks, file names, size caps. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/server/rate-limit.ts';
import { RequestLimiter } from '../../src/server/limiter.ts';
import { isForbiddenAddress } from '../../src/server/url-fetch.ts';
import { safeFilename, headerText } from '../../src/server/reply-image.ts';
import { fitPixels } from '../../src/image/downscale.ts';
import { isGreenroomError } from '../../src/errors.ts';

describe('RateLimiter', () => {
  test('a full bucket of perMinute tokens, refilled continuously', () => {
    let now = 0;
    const r = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) assert.ok(r.take('k').allowed);
    const refused = r.take('k');
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 1);
    now += 1000;
    assert.ok(r.take('k').allowed);
    assert.ok(r.take('other').allowed);
  });
});

describe('RequestLimiter', () => {
  test('runs at most `concurrency`, queues `maxWaiting`, refuses beyond, hands slots over in order', async () => {
    const l = new RequestLimiter({ concurrency: 1, maxWaiting: 1 });
    const order: string[] = [];
    let releaseA!: () => void;
    const a = l.run(() => new Promise<void>((r) => (releaseA = () => (order.push('a'), r()))));
    const b = l.run(async () => void order.push('b'));
    await new Promise((r) => setImmediate(r));
    assert.equal(l.full, true);
    await assert.rejects(l.acquire(), (e) => isGreenroomError(e, 'RATE_LIMITED'));
    releaseA();
    await Promise.all([a, b]);
    assert.deepEqual(order, ['a', 'b']);
    assert.deepEqual(l.state(), { inFlight: 0, waiting: 0, concurrency: 1, maxWaiting: 1 });
  });

  test('an aborted waiter leaves the line without taking a slot', async () => {
    const l = new RequestLimiter({ concurrency: 1, maxWaiting: 2 });
    const release = await l.acquire();
    const ac = new AbortController();
    const waiting = l.acquire(ac.signal);
    assert.equal(l.state().waiting, 1);
    ac.abort(new Error('gone'));
    await assert.rejects(waiting, /gone/);
    assert.equal(l.state().waiting, 0);
    release();
    assert.equal(l.state().inFlight, 0);
  });
});

describe('isForbiddenAddress', () => {
  test('private, loopback, link-local and friends are refused; public addresses pass', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', 'fc12::1', '::ffff:127.0.0.1', '::ffff:7f00:1', 'ff02::1', 'not-an-ip']) {
      assert.equal(isForbiddenAddress(a), true, a);
    }
    for (const a of ['8.8.8.8', '93.184.216.34', '172.32.0.1', '2606:4700:4700::1111']) assert.equal(isForbiddenAddress(a), false, a);
  });
});

describe('safeFilename and headerText', () => {
  test('only the base name, in safe characters, with our extension', () => {
    assert.equal(safeFilename('../../etc/passwd', 'png'), 'passwd.png');
    assert.equal(safeFilename('C:\\Users\\me\\Ünïcode photo (1).JPG', 'jpeg'), 'Unicode_photo_1_.jpg');
    assert.equal(safeFilename('...', 'webp', 'cutout'), 'cutout.webp');
    assert.equal(safeFilename(undefined, 'png', 'cutout'), 'cutout.png');
    assert.equal(safeFilename('a"b\r\nc;d.png', 'png'), 'a_b_c_d.png');
    assert.ok(safeFilename('x'.repeat(500), 'png').length <= 104);
  });

  test('header text is one printable ASCII line', () => {
    assert.equal(headerText('a\r\nb — ç'), 'ab  c');
  });
});

describe('fitPixels', () => {
  test('keeps the aspect ratio under the cap', () => {
    const s = fitPixels(3000, 2000, 250_000);
    assert.ok(s.width * s.height <= 250_000);
    assert.ok(Math.abs(s.width / s.height - 1.5) < 0.01);
    assert.deepEqual(fitPixels(600, 400, 250_000), { width: 600, height: 400 });
  });
});
