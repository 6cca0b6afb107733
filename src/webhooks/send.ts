/**
 * One try of a webhook: the address checked again, a POST of the body to it with the signed
 * headers, a 2xx answer within the timeout counts as delivered. Redirects are not followed (a
 * 3xx is a failed try: the receiver should give its final URL), the answer's body is read and
 * dropped, a fresh connection is made each time (no pooled socket to an address checked earlier).
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { isGreenroomError } from '../errors.ts';
import { parseCallbackUrl, resolveTarget } from './address.ts';
import { webhookHeaders } from './signature.ts';
import type { AttemptResult, WebhookSettings } from './types.ts';

export interface WebhookDelivery {
  url: string;
  /** The event id (`webhook-id`), the same on every try. */
  eventId: string;
  body: string;
}

/** Sends one try; never throws (every failure is an AttemptResult). */
export async function sendWebhook(delivery: WebhookDelivery, settings: WebhookSettings, now: () => number = Date.now): Promise<AttemptResult> {
  if (!settings.secret) return { ok: false, error: 'GREENROOM_WEBHOOK_SECRET is not set in the process that delivers webhooks' };
  let target;
  try {
    target = await resolveTarget(parseCallbackUrl(delivery.url), settings);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // A refused address stays refused; a name that did not resolve may resolve later.
    const final = isGreenroomError(err, 'URL_NOT_ALLOWED') && err.details.reason !== 'unresolved';
    return { ok: false, error: isGreenroomError(err) ? `${err.code}: ${message}` : message, ...(final ? { final } : {}) };
  }
  const timestamp = Math.floor(now() / 1000);
  const headers = { ...webhookHeaders(settings.secret, delivery.eventId, timestamp, delivery.body), 'content-length': String(Buffer.byteLength(delivery.body)) };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(r);
    };
    const req = client.request(
      target.url,
      {
        method: 'POST',
        headers,
        agent: false,
        // Connect to the checked address; TLS still verifies the certificate against the host name.
        lookup: ((_h: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
          if (opts?.all) cb(null, [{ address: target.address, family: target.family }]);
          else cb(null, target.address, target.family);
        }) as unknown as net.LookupFunction,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        const done = () => {
          if (status >= 200 && status < 300) finish({ ok: true, status });
          else {
            const where = status >= 300 && status < 400 ? ` (redirects are not followed${res.headers.location ? `; it pointed to ${String(res.headers.location).slice(0, 200)}` : ''})` : '';
            finish({ ok: false, status, error: `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}${where}` });
          }
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', (err) => finish({ ok: false, status, error: `the answer broke off (${err.message})` }));
      },
    );
    const deadline = setTimeout(() => {
      finish({ ok: false, error: `no answer within ${settings.timeoutMs} ms` });
      req.destroy();
    }, settings.timeoutMs);
    req.on('error', (err) => finish({ ok: false, error: err.message }));
    req.end(delivery.body);
  });
}
