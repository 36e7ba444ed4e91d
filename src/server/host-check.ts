/**
 * Which host names the gateway answers to when it has no master key: the defence against DNS
 * rebinding. A page at attacker.example whose DNS name is re-pointed at 127.0.0.1 reaches the gateway
 * as its own origin, so the browser lets it read every answer (stored prompts included); but the Host
 * header it sends still says attacker.example. Loopback names and IP addresses cannot be re-pointed by
 * someone else's DNS, so they always pass; any other name must be configured.
 */
import { isIP } from 'node:net';
import { isLocalhostName } from '../shared/allowed-hosts.ts';

export interface HostPort {
  /** Lower case, without brackets (IPv6) or a trailing dot. */
  name: string;
  /** As written, when the header has one. */
  port?: string;
}

/** `name`, `name:port`, `[v6]`, `[v6]:port`; anything else (user info, paths, spaces) is no host. */
const HOST = /^(?:\[([0-9a-f:.]+)\]|([^\s:[\]@/\\?#]+))(?::(\d{1,5}))?$/i;

export function parseHost(header: string): HostPort | undefined {
  const match = HOST.exec(header.trim());
  if (!match) return undefined;
  const name = (match[1] ?? match[2] ?? '').toLowerCase().replace(/\.$/, '');
  if (name === '') return undefined;
  return match[3] === undefined ? { name } : { name, port: match[3] };
}

/**
 * The names a Host header may carry: localhost names, any IP address (127.0.0.1, [::1] and the rest), the name the gateway listens on
 * (`--host my-box`) and the configured ones (`name`, `*.domain` for its subdomains, `*` for any).
 */
export class HostAllowList {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly any: boolean;

  constructor(configured: readonly string[], listenHost: string) {
    this.any = configured.includes('*');
    for (const entry of configured) {
      if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else if (entry !== '*') this.exact.add(entry);
    }
    const listen = parseHost(listenHost.includes(':') ? `[${listenHost}]` : listenHost);
    if (listen && isIP(listen.name) === 0) this.exact.add(listen.name);
  }

  /** A request without a Host header (HTTP/1.0) cannot come from a browser, so it passes. */
  allows(header: string | undefined): boolean {
    if (this.any || header === undefined) return true;
    const host = parseHost(header);
    if (!host) return false;
    if (isIP(host.name) !== 0 || isLocalhostName(host.name) || this.exact.has(host.name)) return true;
    return this.suffixes.some((suffix) => host.name.endsWith(suffix));
  }
}
