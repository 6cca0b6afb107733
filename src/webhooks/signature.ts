/**
 * Signing a webhook, Standard Webhooks style (https://www.standardwebhooks.com): three headers,
 * `webhook-id` (the event id, the same on every try: receivers deduplicate on it),
 * `webhook-timestamp` (Unix seconds of this try) and `webhook-signature` (`v1,` then the base64
 * HMAC-SHA256 of `<id>.<timestamp>.<body>`). The key is the secret's UTF-8 bytes, or, for a
 * `whsec_<base64>` secret, the decoded bytes (so Standard Webhooks libraries verify it as is).
 */
import crypto from 'node:crypto';

export const SIGNATURE_VERSION = 'v1';

/** The HMAC key of a secret. */
export function webhookKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** `v1,<base64 HMAC-SHA256 of id.timestamp.body>`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = crypto.createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `${SIGNATURE_VERSION},${mac}`;
}

/** The headers of one try. */
export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'greenroom-webhooks',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}
