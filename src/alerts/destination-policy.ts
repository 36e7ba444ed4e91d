/**
 * Where webhooks may go: public addresses, plus the hosts and ranges the operator allows
 * (`general_settings.webhook_allowed_hosts`). Checked twice: when a destination is saved (an address
 * in the URL, in any spelling the URL parser accepts, and `localhost`), and where the connection is
 * made — the name is resolved, every address it has is checked, and the socket connects to one of
 * those checked addresses, so a DNS answer cannot change between the check and the connection.
 */

import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type AllowedHosts, hostKey, isLocalhostName, parseAllowedHosts } from '../shared/allowed-hosts.ts';
import { embeddedIpv4, nonPublicRange } from './address-ranges.ts';

/** A destination the policy does not let through; its message is safe to show to whoever saved it. */
export class DestinationRefused extends Error {
  override name = 'DestinationRefused';
}

export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, family: 0 });

/** `net.connect`'s `lookup` option, as undici's connector passes it on. */
export type ConnectLookup = (
  hostname: string,
  options: { family?: number | string | undefined; all?: boolean | undefined },
  callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
) => void;

const ALLOW_HINT = 'allow it with general_settings.webhook_allowed_hosts';

export class DestinationPolicy {
  readonly #allowed: AllowedHosts;
  readonly #resolve: Resolve;

  /** `resolve` is the system's resolver unless a test stands in for DNS. */
  constructor(allowedHosts: readonly string[] = [], resolve: Resolve = systemResolve) {
    const allowed = parseAllowedHosts(allowedHosts);
    if ('invalid' in allowed)
      throw new Error(
        `webhook_allowed_hosts: "${allowed.invalid}" is not a host name, address or CIDR range`,
      );
    this.#allowed = allowed;
    this.#resolve = resolve;
  }

  /**
   * Why this URL is refused without resolving anything: its host is an address (the URL parser has
   * already turned 0x7f000001, 2130706433 and 127.1 into 127.0.0.1) or `localhost`. Undefined when
   * it is allowed or is a name that only DNS can judge.
   */
  refusal(url: string): string | undefined {
    const host = hostKey(new URL(url).hostname);
    if (this.#allowed.allowsName(host)) return undefined;
    if (isLocalhostName(host)) return `destination refused: ${host} is a loopback address; ${ALLOW_HINT}`;
    if (isIP(host) === 0) return undefined;
    const range = this.#rangeOf(host);
    return range && `destination refused: ${host} is a ${range} address; ${ALLOW_HINT}`;
  }

  /** Every address of the name, when all of them may be called; else DestinationRefused. */
  async resolve(hostname: string): Promise<LookupAddress[]> {
    const host = hostKey(hostname);
    const literal = this.refusal(`http://${isIP(host) === 6 ? `[${host}]` : host}/`);
    if (literal) throw new DestinationRefused(literal);
    if (isIP(host) !== 0) return [{ address: host, family: isIP(host) }];
    const addresses = await this.#resolve(host).catch(() => {
      throw new Error(`could not resolve ${host}`);
    });
    if (this.#allowed.allowsName(host)) return addresses;
    // Every address, not the first: a name with a public and a private one would otherwise reach the
    // private one whenever the connection falls back to it.
    if (addresses.length === 0 || addresses.some((a) => this.#rangeOf(a.address) !== undefined))
      throw new DestinationRefused(
        `destination refused: ${host} resolves to a private, loopback or link-local address; ${ALLOW_HINT}`,
      );
    return addresses;
  }

  /** For undici's `connect.lookup`: the socket connects only to addresses `resolve` let through. */
  readonly lookup: ConnectLookup = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (addresses) => {
        const family =
          options.family === 'IPv6' ? 6 : options.family === 'IPv4' ? 4 : Number(options.family ?? 0);
        const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family);
        const first = usable[0];
        if (!first) callback(new Error(`${hostname} has no IPv${family} address`), []);
        else if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: Error) => callback(err, []),
    );
  };

  #rangeOf(address: string): string | undefined {
    if (this.#allowed.allowsAddress(address)) return undefined;
    const v4 = embeddedIpv4(address);
    if (v4 !== undefined && this.#allowed.allowsAddress(v4)) return undefined;
    return nonPublicRange(address);
  }
}
