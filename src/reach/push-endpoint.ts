import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { HawkerError } from '../domain/errors.js';
import { addressRefusal, isIpLiteral } from '../domain/network-address.js';
import type { PushSubscriptionKeys } from '../domain/reminder.js';

/**
 * A push subscription is user input: its endpoint is a URL the server will POST to. Only https,
 * bounded, and (unless reminders.allowPrivateEndpoints) never to this machine or the networks
 * behind it: every address the host resolves to is checked, at registration and again by the
 * socket's own lookup at each send (a name may answer differently the second time).
 */
export const MAX_ENDPOINT_LENGTH = 1024;
const ALLOW_HINT = 'set reminders.allowPrivateEndpoints to push inside your network';

/** every address a name resolves to (tests stand in for DNS) */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;
/**
 * DNS itself (c-ares), not getaddrinfo: dns.lookup runs on libuv's four threads, which also
 * read every HLS segment and playlist, so a public request naming a slow DNS server would stall
 * playback for everyone. One try, two seconds.
 */
const resolver = new dns.Resolver({ timeout: 2000, tries: 1 });
export const systemResolve: Resolve = async (hostname) => {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
  const found: LookupAddress[] = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (found.length === 0 && v4.status === 'rejected') throw v4.reason;
  return found;
};

const b64url = /^[A-Za-z0-9_-]+={0,2}$/;

function decodedLength(value: string): number {
  return b64url.test(value) ? Buffer.from(value.replace(/=+$/, ''), 'base64url').length : -1;
}

/** The endpoint as a URL, or PUSH_ENDPOINT_INVALID. */
export function parseEndpoint(endpoint: string): URL {
  if (endpoint.length > MAX_ENDPOINT_LENGTH) throw new HawkerError('PUSH_ENDPOINT_INVALID', `the endpoint is longer than ${MAX_ENDPOINT_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new HawkerError('PUSH_ENDPOINT_INVALID', 'the endpoint is not a URL');
  }
  if (url.protocol !== 'https:') throw new HawkerError('PUSH_ENDPOINT_INVALID', 'the endpoint must be an https: URL');
  if (url.username || url.password) throw new HawkerError('PUSH_ENDPOINT_INVALID', 'the endpoint may not carry a user name or password');
  return url;
}

/** The keys the payload is encrypted to (RFC 8291): a P-256 point and a 16-byte secret. */
export function checkKeys(keys: PushSubscriptionKeys): PushSubscriptionKeys {
  const p256dh = Buffer.from(keys.p256dh.replace(/=+$/, ''), 'base64url');
  if (decodedLength(keys.p256dh) !== 65 || p256dh[0] !== 4) throw new HawkerError('PUSH_SUBSCRIPTION_INVALID', 'keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)');
  if (decodedLength(keys.auth) !== 16) throw new HawkerError('PUSH_SUBSCRIPTION_INVALID', 'keys.auth must be 16 bytes, base64url');
  return { p256dh: keys.p256dh.replace(/=+$/, ''), auth: keys.auth.replace(/=+$/, '') };
}

/** The host of an endpoint, for logs: its path is the capability and is never logged. */
export function endpointHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return '(not a URL)';
  }
}

/** Why the server may not push to these addresses, or null. */
function refusalOf(hostname: string, addresses: readonly string[]): string | null {
  for (const address of addresses) {
    const refusal = addressRefusal(address);
    if (refusal) return address === hostname ? `${hostname} is a ${refusal} address; ${ALLOW_HINT}` : `${hostname} resolves to ${address}, a ${refusal} address; ${ALLOW_HINT}`;
  }
  return null;
}

/**
 * Registration's check: the URL is a public https one, its host resolving only to public
 * addresses (in `timeoutMs`). PUSH_ENDPOINT_INVALID or PUSH_ENDPOINT_REFUSED otherwise.
 */
export async function checkEndpoint(endpoint: string, options: { allowPrivate: boolean; resolve?: Resolve; timeoutMs?: number }): Promise<URL> {
  const url = parseEndpoint(endpoint);
  if (options.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIpLiteral(host)) {
    const refusal = refusalOf(host, [host]);
    if (refusal) throw new HawkerError('PUSH_ENDPOINT_REFUSED', refusal);
    return url;
  }
  const resolve = options.resolve ?? systemResolve;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HawkerError('PUSH_ENDPOINT_REFUSED', `${host} did not resolve in time`)), options.timeoutMs ?? 3000);
  });
  try {
    const found = await Promise.race([resolve(host), deadline]).catch((err: unknown) => {
      if (err instanceof HawkerError) throw err;
      throw new HawkerError('PUSH_ENDPOINT_REFUSED', `${host} does not resolve`);
    });
    if (found.length === 0) throw new HawkerError('PUSH_ENDPOINT_REFUSED', `${host} has no address`);
    const refusal = refusalOf(host, found.map((a) => a.address));
    if (refusal) throw new HawkerError('PUSH_ENDPOINT_REFUSED', refusal);
    return url;
  } finally {
    clearTimeout(timer);
  }
}

/** Why a send may not go to this endpoint's IP literal host (never looked up), or null. */
export function literalRefusal(endpoint: string, allowPrivate: boolean): string | null {
  if (allowPrivate) return null;
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  return isIpLiteral(host) ? refusalOf(host, [host]) : null;
}

/**
 * The socket's own lookup for sends: every address checked, and the connection goes to those
 * very addresses (checking first and letting the client resolve again would let a name answer
 * a public address to the check and 127.0.0.1 to the connect).
 */
export function checkedLookup(allowPrivate: boolean, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const addresses = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        const first = addresses[0];
        if (!first) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        const refusal = allowPrivate ? null : refusalOf(hostname, addresses.map((a) => a.address));
        if (refusal) {
          callback(Object.assign(new Error(`refused: ${refusal}`), { code: 'EREFUSEDTARGET' }), '', 0);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
