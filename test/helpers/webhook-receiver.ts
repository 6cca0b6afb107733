/**
 * A webhook receiver for the tests: a real node:http server on a loopback port that records
 * every request (headers and raw body) and answers as scripted: a status, `reset` (the socket
 * destroyed, no answer), or `hang` (no answer until the client gives up or dies); once the script
 * is used up it answers 200. `verify` is docs/API.md's verification procedure, written from the
 * docs, not from greenroom's signing code.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';

export type Reply = number | 'reset' | 'hang';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the receiver answered (a status, or reset/hang). */
  reply: Reply;
}

export interface Receiver {
  url: string;
  requests: Received[];
  /** Requests answered 2xx. */
  accepted(): Received[];
  /** Replaces the script of replies still to come. */
  script(replies: Reply[]): void;
  /** Resolves once `n` requests have arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(replies: Reply[] = []): Promise<Receiver> {
  let plan = [...replies];
  const requests: Received[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = plan.shift() ?? 200;
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), reply });
      if (reply === 'reset') req.socket.destroy();
      else if (reply === 'hang') return;
      else res.writeHead(reply, { 'content-type': 'text/plain' }).end(reply < 300 ? 'ok' : 'try later');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/greenroom?token=abc`,
    requests,
    accepted: () => requests.filter((r) => typeof r.reply === 'number' && r.reply >= 200 && r.reply < 300),
    script: (r) => {
      plan = [...r];
    },
    async waitForRequests(n, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < n) {
        if (Date.now() > deadline) throw new Error(`the receiver got ${requests.length} requests, not ${n}, in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * docs/API.md "Verifying a webhook": the signed content is `<webhook-id>.<webhook-timestamp>.<raw
 * body>`, the key the secret's bytes (base64-decoded after `whsec_`), the signature header one or
 * more space-separated `v1,<base64 HMAC-SHA256>`; the timestamp within 5 minutes of now.
 */
export function verify(r: Pick<Received, 'headers' | 'body'>, secret: string, nowSeconds = Date.now() / 1000): boolean {
  const id = r.headers['webhook-id'];
  const timestamp = r.headers['webhook-timestamp'];
  const signatures = r.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${r.body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, sig] = entry.split(',');
    if (version !== 'v1' || !sig) return false;
    const got = Buffer.from(sig, 'base64');
    return got.length === expected.length && crypto.timingSafeEqual(got, expected);
  });
}
