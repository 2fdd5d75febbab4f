// A push service of the test's own: an HTTPS server on 127.0.0.1 (a self-signed certificate made
// with openssl, trusted by the server's sender through its CA option, never by switching TLS
// checks off), subscribers with real keys (ECDH P-256 and a 16-byte auth secret), the VAPID
// token checked (ES256 signature against the server's public key, aud, exp) and the payload
// decrypted per RFC 8291 (aes128gcm, RFC 8188 record) with node:crypto only.
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PushRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** the status the service answered */
  status: number;
}

export interface Subscriber {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** the plaintext of an aes128gcm body sent to this subscriber */
  decrypt(body: Buffer): Buffer;
}

export interface LocalPushService {
  origin: string;
  /** the certificate to trust (PEM) */
  ca: string;
  requests: PushRequest[];
  /** a new subscriber at /push/<random>; `status`: what the service answers for it (201 default) */
  subscriber(status?: number): Subscriber;
  close(): Promise<void>;
}

/** A self-signed P-256 certificate for 127.0.0.1 (openssl, 10 s at most). */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-push-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { timeout: 10_000, stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) => Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/**
 * RFC 8291 section 3.4 and RFC 8188: the header (salt, record size, the sender's public key as
 * keyid), the keys from ECDH and HKDF, then AES-128-GCM over each record, padding removed.
 */
export function decryptAes128gcm(body: Buffer, uaPrivate: Buffer, uaPublic: Buffer, authSecret: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body.readUInt8(20);
  const asPublic = body.subarray(21, 21 + idlen);
  if (idlen !== 65) throw new Error(`keyid is ${idlen} bytes, not an uncompressed P-256 key`);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(uaPrivate);
  const ecdhSecret = ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const baseNonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const records = body.subarray(21 + idlen);
  const out: Buffer[] = [];
  for (let seq = 0, at = 0; at < records.length; seq++, at += rs) {
    const record = records.subarray(at, Math.min(at + rs, records.length));
    const nonce = Buffer.from(baseNonce);
    // the record's sequence number XORed into the nonce (a count this small fits its last 4 bytes)
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // data, a delimiter (2: last record, 1: another follows), then zero padding
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const last = at + rs >= records.length;
    if (plain[end] !== (last ? 2 : 1)) throw new Error(`record ${seq} has no ${last ? 'last' : ''} delimiter`);
    out.push(plain.subarray(0, end));
  }
  return Buffer.concat(out);
}

/**
 * The VAPID Authorization header (RFC 8292: `vapid t=<JWT>, k=<public key>`): the JWT's ES256
 * signature verified against `publicKey` (base64url, uncompressed P-256), its claims returned.
 */
export function verifyVapid(authorization: string | undefined, publicKey: string): { aud: string; exp: number; sub: string; k: string } {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!m) throw new Error(`not a VAPID Authorization header: ${authorization}`);
  const [, jwt, k] = m as unknown as [string, string, string];
  const [header, claims, signature] = jwt.split('.') as [string, string, string];
  const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string };
  if (head.alg !== 'ES256') throw new Error(`alg ${head.alg}`);
  const raw = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') }, format: 'jwk' });
  const ok = verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('the VAPID JWT signature does not verify against the server key');
  return { ...(JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; exp: number; sub: string }), k };
}

/** Starts the push service on 127.0.0.1, port 0. */
export async function startPushService(): Promise<LocalPushService> {
  const { key, cert } = selfSignedCertificate();
  const requests: PushRequest[] = [];
  const statusOf = new Map<string, number>();
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 8192) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const path = req.url ?? '';
      const status = statusOf.get(path) ?? 404;
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks), status });
      res.writeHead(status).end();
    });
    req.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    ca: cert,
    requests,
    subscriber(status = 201) {
      const path = `/push/${randomBytes(12).toString('base64url')}`;
      statusOf.set(path, status);
      const ecdh = createECDH('prime256v1');
      const uaPublic = ecdh.generateKeys();
      const uaPrivate = ecdh.getPrivateKey();
      const auth = randomBytes(16);
      return {
        endpoint: origin + path,
        keys: { p256dh: uaPublic.toString('base64url'), auth: auth.toString('base64url') },
        decrypt: (body) => decryptAes128gcm(body, uaPrivate, uaPublic, auth),
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
