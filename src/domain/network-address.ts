/**
 * Whether an IP address is one a server-side request (a webhook) may go to: not this machine,
 * not the networks behind it, not a cloud metadata service. Pure: addresses in, verdict out.
 */
export type AddressRefusal = 'unspecified' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'multicast' | 'reserved' | 'not an IP address';

function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    value = value * 256 + Number(p);
  }
  return value;
}

const inV4 = (ip: number, base: string, bits: number) => {
  const b = parseIPv4(base) as number;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(b / size);
};

function refuseIPv4(ip: number): AddressRefusal | null {
  if (ip === (parseIPv4('169.254.169.254') as number)) return 'metadata';
  if (inV4(ip, '0.0.0.0', 8)) return 'unspecified';
  if (inV4(ip, '127.0.0.0', 8)) return 'loopback';
  if (inV4(ip, '10.0.0.0', 8) || inV4(ip, '172.16.0.0', 12) || inV4(ip, '192.168.0.0', 16) || inV4(ip, '100.64.0.0', 10)) return 'private';
  if (inV4(ip, '198.18.0.0', 15) || inV4(ip, '192.0.0.0', 24)) return 'private';
  if (inV4(ip, '169.254.0.0', 16)) return 'link-local';
  if (inV4(ip, '224.0.0.0', 4)) return 'multicast';
  if (inV4(ip, '240.0.0.0', 4)) return 'reserved'; // and 255.255.255.255
  return null;
}

/** Eight 16-bit groups, or null. Accepts `::`, a dotted IPv4 tail, and a zone (`%eth0`). */
function parseIPv6(text: string): number[] | null {
  let s = text.replace(/^\[|\]$/g, '');
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) return null;
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // a dotted IPv4 tail is the last two groups
    const v4 = parseIPv4(last);
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0] as string);
  const rest = halves.length === 2 ? groups(halves[1] as string) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const known = head.length + rest.length;
  if (halves.length === 1 && known !== 8) return null;
  if (halves.length === 2 && known > 7) return null;
  const fill = new Array<number>(8 - known).fill(0);
  const out = [...head.map((g) => parseInt(g, 16)), ...(halves.length === 2 ? fill : []), ...rest.map((g) => parseInt(g, 16))];
  return out.length === 8 ? out : null;
}

function refuseIPv6(g: number[]): AddressRefusal | null {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
  const embedded = g6 * 65536 + g7;
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && g7 === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d)
  // reach the IPv4 address inside them
  if (zeroTo(5) && g5 === 0xffff) return refuseIPv4(embedded);
  if (zeroTo(6)) return refuseIPv4(embedded) ?? 'reserved';
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return refuseIPv4(embedded);
  // 6to4 (2002:aabb:ccdd::) carries its IPv4 address in the second and third groups
  if (g0 === 0x2002) return refuseIPv4(g1 * 65536 + g2);
  if (g0 === 0xfd00 && g1 === 0x0ec2 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && g6 === 0 && g7 === 0x254) return 'metadata';
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // fc00::/7, unique local
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return 'link-local'; // and the old site-local
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return null;
}

/** Why a request may not go to this address, or null when it may. */
export function addressRefusal(address: string): AddressRefusal | null {
  const v4 = parseIPv4(address);
  if (v4 !== null) return refuseIPv4(v4);
  const v6 = parseIPv6(address);
  if (v6 !== null) return refuseIPv6(v6);
  return 'not an IP address';
}

/** Whether a URL host (as `new URL().hostname` gives it) is an IP literal rather than a name. */
export function isIpLiteral(hostname: string): boolean {
  return parseIPv4(hostname) !== null || parseIPv6(hostname) !== null;
}
