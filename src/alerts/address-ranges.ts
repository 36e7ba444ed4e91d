/**
 * Addresses a webhook must not reach unless the operator allows them: the gateway's own host, its
 * network and the cloud's metadata service are not the internet, and a webhook that may call them turns
 * the alert API into a way to probe and reach them.
 */
import { BlockList, isIP } from 'node:net';
import { ipv6Words } from '../shared/ipv6-words.ts';

const RANGES: ReadonlyArray<readonly [label: string, cidrs: readonly string[]]> = [
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['loopback', ['127.0.0.0/8', '::1/128']],
  // 169.254.169.254 is the metadata service of most clouds; AWS's IPv6 one (fd00:ec2::254) is unique-local.
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fec0::/10']],
  // Alibaba's metadata service is 100.100.100.200.
  ['carrier-grade NAT', ['100.64.0.0/10']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  [
    'reserved',
    [
      '192.0.0.0/24',
      '192.0.2.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '240.0.0.0/4',
      '100::/64',
      '2001:db8::/32',
    ],
  ],
];

const LISTS = RANGES.map(([label, cidrs]) => {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/') as [string, string];
    list.addSubnet(address, Number(bits), isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
  return [label, list] as const;
});

/** Which kind of non-public address this is ("loopback", "private", …), or undefined for a public one. */
export function nonPublicRange(address: string): string | undefined {
  const ip = embeddedIpv4(address) ?? address;
  const family = isIP(ip);
  if (family === 0) return 'unparsable';
  return LISTS.find(([, list]) => list.check(ip, family === 4 ? 'ipv4' : 'ipv6'))?.[0];
}

/**
 * The IPv4 address an IPv6 one stands for, where the network delivers it to that IPv4 host:
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
export function embeddedIpv4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const words = ipv6Words(address);
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zeros(0, 5) && words[5] === 0xffff) return v4(words[6] as number, words[7] as number);
  // ::a.b.c.d, but not :: and ::1 themselves (those are IPv6's unspecified and loopback).
  if (zeros(0, 6) && (words[6] as number) !== 0) return v4(words[6] as number, words[7] as number);
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6))
    return v4(words[6] as number, words[7] as number);
  if (words[0] === 0x2002) return v4(words[1] as number, words[2] as number);
  return undefined;
}
