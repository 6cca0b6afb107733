/** Webhook pieces without a queue: the signature (Standard Webhooks' published vector), config, address rules, the retry schedule. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { checkCallbackUrl } from '../../src/webhooks/address.ts';
import { retryDelayMs } from '../../src/webhooks/retry.ts';
import { signWebhook, webhookHeaders } from '../../src/webhooks/signature.ts';
import type { WebhookSettings } from '../../src/webhooks/types.ts';
import { verify } from '../helpers/webhook-receiver.ts';

test("the signature reproduces the Standard Webhooks specification's test vector", () => {
  // https://github.com/standard-webhooks/standard-webhooks (spec and every reference library test this one).
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  assert.equal(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});

test('headers verify with the documented procedure, for a whsec_ secret and a plain one', () => {
  for (const secret of ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'a plain secret of some length']) {
    const body = '{"type":"job.done"}';
    const headers = webhookHeaders(secret, 'job_x_ended', Math.floor(Date.now() / 1000), body);
    assert.equal(headers['webhook-id'], 'job_x_ended');
    assert.ok(verify({ headers, body }, secret));
    assert.ok(!verify({ headers, body: `${body} ` }, secret));
  }
});

test('config: webhooks off by default; the secret must be long enough; private addresses only when allowed', () => {
  const base = { HOME: '/home/x' };
  assert.deepEqual(loadConfig(base).webhooks, { allowPrivate: false, attempts: 10, backoffMs: 15_000, timeoutMs: 10_000 });
  const c = loadConfig({ ...base, GREENROOM_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', GREENROOM_WEBHOOK_PRIVATE: 'allow', GREENROOM_WEBHOOK_ATTEMPTS: '4', GREENROOM_WEBHOOK_BACKOFF_MS: '50', GREENROOM_WEBHOOK_TIMEOUT_MS: '2000' });
  assert.deepEqual(c.webhooks, { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', allowPrivate: true, attempts: 4, backoffMs: 50, timeoutMs: 2000 });
  assert.throws(() => loadConfig({ ...base, GREENROOM_WEBHOOK_SECRET: 'short' }), /GREENROOM_WEBHOOK_SECRET: expected at least 16 characters/);
  assert.throws(() => loadConfig({ ...base, GREENROOM_WEBHOOK_SECRET: 'whsec_c2hvcnQ=aaaaaa' }), /GREENROOM_WEBHOOK_SECRET: a whsec_ secret must be base64 of at least 16 bytes/);
  assert.throws(() => loadConfig({ ...base, GREENROOM_WEBHOOK_PRIVATE: 'yes' }), /GREENROOM_WEBHOOK_PRIVATE/);
  assert.throws(() => loadConfig({ ...base, GREENROOM_WEBHOOK_ATTEMPTS: '0' }), /GREENROOM_WEBHOOK_ATTEMPTS/);
});

test('callback URLs: public addresses pass (DNS checked), private ones only when allowed', async () => {
  const settings = (over: Partial<WebhookSettings>, addresses: string[]): WebhookSettings => ({
    secret: 'a secret of sixteen+',
    allowPrivate: false,
    attempts: 3,
    backoffMs: 10,
    timeoutMs: 100,
    lookup: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    ...over,
  });
  assert.equal(await checkCallbackUrl('https://hooks.example.com/greenroom?token=1#frag', settings({}, ['93.184.215.14'])), 'https://hooks.example.com/greenroom?token=1');
  // One private address among public ones is enough to refuse (the connection could go to it).
  await assert.rejects(checkCallbackUrl('https://hooks.example.com/', settings({}, ['93.184.215.14', '10.0.0.8'])), { code: 'GREENROOM_ERR_URL_NOT_ALLOWED' });
  await assert.rejects(checkCallbackUrl('https://hooks.example.com/', settings({}, ['fd00::1'])), { code: 'GREENROOM_ERR_URL_NOT_ALLOWED' });
  assert.equal(await checkCallbackUrl('http://ci-runner.internal:8080/hook', settings({ allowPrivate: true }, ['10.0.0.8'])), 'http://ci-runner.internal:8080/hook');
  const failing: WebhookSettings = { ...settings({}, []), lookup: async () => Promise.reject(new Error('getaddrinfo ENOTFOUND nowhere.invalid')) };
  await assert.rejects(checkCallbackUrl('https://nowhere.invalid/', failing), (err: { code: string; details: { reason: string } }) => err.code === 'GREENROOM_ERR_URL_NOT_ALLOWED' && err.details.reason === 'unresolved');
  await assert.rejects(checkCallbackUrl(`https://hooks.example.com/${'a'.repeat(2100)}`, settings({}, ['93.184.215.14'])), /longer than 2048/);
  await assert.rejects(checkCallbackUrl('https://hooks.example.com/', { ...settings({}, ['93.184.215.14']), secret: undefined } as WebhookSettings), { code: 'GREENROOM_ERR_WEBHOOKS_DISABLED' });
});

test('retries: the wait doubles from the configured one, capped at 6 hours', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 15_000)), [15_000, 30_000, 60_000, 120_000, 240_000]);
  assert.equal(retryDelayMs(30, 15_000), 6 * 3_600_000);
  // The default schedule: 10 tries, 9 waits, about 2 hours in all.
  const total = Array.from({ length: 9 }, (_, i) => retryDelayMs(i + 1, 15_000)).reduce((a, b) => a + b, 0);
  assert.equal(total, 7_665_000);
});
