/**
 * A list of hosts a setting lets through: host names (matched exactly, case-insensitive), IP addresses
 * and CIDR ranges (`10.0.0.0/8`, `fd00::/8`). Parsed once, where the setting is read, so a typo fails
 * at start instead of silently allowing nothing.
 */
import { BlockList, isIP } from 'node:net';

export interface AllowedHosts {
  /** The name as written in a URL (brackets, case and a trailing dot do not matter). */
  allowsName(host: string): boolean;
  allowsAddress(address: string): boolean;
}

/** The list, or the first entry that is neither a host name, an address nor a CIDR range. */
export function parseAllowedHosts(entries: readonly string[]): AllowedHosts | { invalid: string } {
  const names = new Set<string>();
  const ranges = new BlockList();
  for (const raw of entries) {
    const entry = hostKey(raw);
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (family !== 0 && extra === undefined) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
      if (!/^\d{1,3}$/.test(bits ?? '0') || prefix > (family === 4 ? 32 : 128)) return { invalid: raw };
      ranges.addSubnet(address as string, prefix, type);
    } else if (bits === undefined && isHostName(entry)) {
      names.add(entry);
    } else {
      return { invalid: raw };
    }
  }
  return {
    allowsName: (host) => names.has(hostKey(host)),
    allowsAddress: (address) => {
      const family = isIP(address);
      return family !== 0 && ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

function isHostName(name: string): boolean {
  return (
    name.length <= 253 &&
    name.split('.').every((label) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label))
  );
}

/** `[::1]` → `::1`, `Hooks.Example.` → `hooks.example`. */
export function hostKey(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/** `localhost` and `*.localhost`: browsers and resolvers take those to loopback themselves (RFC 6761), never by DNS. */
export function isLocalhostName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}
