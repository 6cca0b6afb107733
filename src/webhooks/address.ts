/**
 * Where a webhook may go: the rules of URL fetching (src/server/url-fetch.ts). http or https, no
 * credentials in the URL, the host resolved and every address public (loopback, private,
 * link-local, carrier-grade NAT, unique-local and multicast refused), unless
 * GREENROOM_WEBHOOK_PRIVATE=allow. Checked when the job is submitted, and again at every try
 * (DNS may answer differently by then); a try connects to the address that was checked.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { GreenroomError } from '../errors.ts';
import { isForbiddenAddress } from '../server/url-fetch.ts';
import type { WebhookSettings } from './types.ts';

/** Longest accepted callback URL. */
export const MAX_CALLBACK_URL = 2048;

export interface ResolvedTarget {
  url: URL;
  /** The checked address to connect to. */
  address: string;
  family: number;
}

/**
 * Checks a submitted callback URL (WEBHOOKS_DISABLED without a secret, URL_NOT_ALLOWED naming the
 * field otherwise) and returns it normalised (its fragment, never sent, dropped).
 */
export async function checkCallbackUrl(raw: string, settings: WebhookSettings, field = 'callback_url'): Promise<string> {
  if (!settings.secret) {
    throw new GreenroomError(
      'WEBHOOKS_DISABLED',
      `${field}: this server sends no webhooks: it has no signing secret. Set GREENROOM_WEBHOOK_SECRET on the server (and its fleet's workers), or submit without ${field} and follow /v1/jobs/:id/events.`,
      { field },
    );
  }
  const url = parseCallbackUrl(raw, field);
  await resolveTarget(url, settings, field);
  return url.href;
}

/** The URL's syntax: http(s), no credentials, at most 2048 characters. */
export function parseCallbackUrl(raw: string, field = 'callback_url'): URL {
  const shown = raw.length > 200 ? `${raw.slice(0, 200)}...` : raw;
  if (raw.length > MAX_CALLBACK_URL) throw notAllowed(field, `is longer than ${MAX_CALLBACK_URL} characters`, 'syntax');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw notAllowed(field, `"${shown}" is not a valid URL`, 'syntax');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw notAllowed(field, `only http and https URLs are called, not ${url.protocol}`, 'syntax');
  if (url.username || url.password) throw notAllowed(field, 'URLs with credentials are refused (the signature authenticates greenroom; put a token in the path or query if the receiver needs one)', 'syntax');
  url.hash = '';
  return url;
}

/**
 * Resolves the host and checks every address (all must be public unless private addresses are
 * allowed). URL_NOT_ALLOWED with details.reason `private` or `unresolved`.
 */
export async function resolveTarget(url: URL, settings: Pick<WebhookSettings, 'allowPrivate' | 'lookup'>, field = 'callback_url'): Promise<ResolvedTarget> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = net.isIP(host) ? [{ address: host, family: net.isIP(host) }] : await (settings.lookup ?? ((h) => dns.lookup(h, { all: true, verbatim: true })))(host);
  } catch (err) {
    throw new GreenroomError('URL_NOT_ALLOWED', `${field}: the host ${host} could not be resolved (${(err as Error).message}).`, { field, host, reason: 'unresolved' }, { cause: err });
  }
  if (addresses.length === 0) throw new GreenroomError('URL_NOT_ALLOWED', `${field}: the host ${host} has no address.`, { field, host, reason: 'unresolved' });
  if (!settings.allowPrivate && addresses.some((a) => isForbiddenAddress(a.address))) {
    throw new GreenroomError(
      'URL_NOT_ALLOWED',
      `${field}: ${host} resolves to a private, loopback or link-local address; webhooks go to public addresses only (GREENROOM_WEBHOOK_PRIVATE=allow lifts this for internal networks).`,
      { field, host, reason: 'private' },
    );
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family };
}

function notAllowed(field: string, what: string, reason: string): GreenroomError {
  return new GreenroomError('URL_NOT_ALLOWED', `${field}: ${what}.`, { field, reason });
}
