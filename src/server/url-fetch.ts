/**
 * Fetching an image by URL (remove.bg's image_url), only when GREENROOM_ALLOW_URL_FETCH=1. The
 * host is resolved first and every address must be public: loopback, private, link-local,
 * carrier-grade NAT, unique-local, multicast and unspecified ranges are refused. The connection
 * then goes to the address that was checked (not a second lookup an attacker could answer
 * differently), redirects are not followed, and the body is capped at the upload limit.
 */
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { GreenroomError } from '../errors.ts';
import { formatBytes } from './errors.ts';

export interface FetchOptions {
  maxBytes: number;
  timeoutMs?: number;
  /** Replaces DNS (tests). */
  lookup?: (host: string) => Promise<Array<{ address: string; family: number }>>;
}

/** True for addresses a server-side fetch must never reach. */
export function isForbiddenAddress(address: string): boolean {
  if (net.isIPv4(address)) {
    const [a, b] = address.split('.').map(Number) as [number, number];
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 || // unspecified, private, loopback, multicast and reserved
      (a === 169 && b === 254) || // link-local (cloud metadata lives here)
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
      (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19)) // IETF protocol assignments, benchmarking
    );
  }
  if (net.isIPv6(address)) {
    const v = address.toLowerCase();
    const mapped = /^(?:0*:)*(?:ffff:)(\d+\.\d+\.\d+\.\d+)$/.exec(v) ?? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
    if (mapped) return isForbiddenAddress(mapped[1]!);
    if (v === '::' || v === '::1') return true;
    const first = parseInt(v.split(':')[0] || '0', 16);
    return (
      first === 0 || // ::, ::1, IPv4-mapped and -compatible forms
      first === 0x2002 || // 6to4, which embeds an IPv4 address
      (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
      (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
      (first & 0xff00) === 0xff00 || // multicast
      v.startsWith('::ffff:') || v.startsWith('64:ff9b:') // other IPv4-embedding forms: refuse rather than decode
    );
  }
  return true;
}

/** Downloads an image from a public http(s) URL; throws URL_NOT_ALLOWED / CORRUPT_IMAGE-free coded errors. */
export async function fetchImage(rawUrl: string, options: FetchOptions): Promise<Buffer> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new GreenroomError('URL_NOT_ALLOWED', `image_url: "${rawUrl.slice(0, 200)}" is not a valid URL.`, { field: 'image_url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GreenroomError('URL_NOT_ALLOWED', `image_url: only http and https URLs are fetched, not ${url.protocol}.`, { field: 'image_url' });
  }
  if (url.username || url.password) throw new GreenroomError('URL_NOT_ALLOWED', 'image_url: URLs with credentials are not fetched.', { field: 'image_url' });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = net.isIP(host) ? [{ address: host, family: net.isIP(host) }] : await (options.lookup ?? ((h) => dns.lookup(h, { all: true, verbatim: true })))(host);
  } catch (err) {
    throw new GreenroomError('URL_NOT_ALLOWED', `image_url: the host ${host} could not be resolved.`, { field: 'image_url', host }, { cause: err });
  }
  if (addresses.length === 0 || addresses.some((a) => isForbiddenAddress(a.address))) {
    throw new GreenroomError('URL_NOT_ALLOWED', `image_url: ${host} resolves to a private, loopback or link-local address; the server only fetches public addresses.`, { field: 'image_url', host });
  }
  const pinned = addresses[0]!;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Buffer>((resolve, reject) => {
    const req = client.get(
      url,
      {
        timeout: options.timeoutMs ?? 10_000,
        headers: { 'user-agent': 'greenroom', accept: 'image/*' },
        // Connect to the checked address; TLS still verifies the certificate against the host name.
        lookup: ((_h: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
          if (opts?.all) cb(null, [{ address: pinned.address, family: pinned.family }]);
          else cb(null, pinned.address, pinned.family);
        }) as unknown as net.LookupFunction,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          reject(new GreenroomError('URL_NOT_ALLOWED', `image_url: the server answered ${status}${status >= 300 && status < 400 ? ' (redirects are not followed; give the final URL)' : ''}.`, { field: 'image_url', status }));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > options.maxBytes) {
            req.destroy();
            reject(new GreenroomError('UPLOAD_TOO_LARGE', `image_url: the image is larger than ${formatBytes(options.maxBytes)}.`, { field: 'image_url', limitBytes: options.maxBytes }));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', (err) => reject(new GreenroomError('URL_NOT_ALLOWED', `image_url: the download failed (${err.message}).`, { field: 'image_url' }, { cause: err })));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => reject(new GreenroomError('URL_NOT_ALLOWED', `image_url: the download failed (${err.message}).`, { field: 'image_url' }, { cause: err })));
  });
}
