/**
 * Caps on client connections where they are accepted: in all (Node's `maxConnections`, which closes a
 * connection past it before anything reads it) and per client address (counted here; a connection past
 * it is closed as soon as it is accepted). Loopback gets no exception: an attacker on the same host, or a
 * local proxy, is one address like any other. Behind a reverse proxy every client is the proxy's
 * address, so the per-client cap should then be raised to the total.
 */
import { isIPv4, isIPv6, type Server, type Socket } from 'node:net';
import type { ConnectionLimits } from '../config/types.ts';
import { ipv6Words } from '../shared/ipv6-words.ts';
import { ConnectionRefusals, type RefusalLogger } from './connection-refusals.ts';

/** Applies `limits` to `server`'s connections; refusals are logged at most once per `intervalMs`. */
export function limitConnections(
  server: Server,
  limits: ConnectionLimits,
  log: RefusalLogger,
  intervalMs = 10_000,
): void {
  const refusals = new ConnectionRefusals(log, intervalMs);
  server.maxConnections = limits.max;
  server.on('drop', (data?: { remoteAddress?: string }) =>
    refusals.refused({ client: clientOf(data?.remoteAddress), cap: 'max_connections', limit: limits.max }),
  );
  const held = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = clientOf(socket.remoteAddress);
    const count = held.get(client) ?? 0;
    if (count >= limits.perClient) {
      socket.destroy();
      refusals.refused({ client, cap: 'max_connections_per_client', limit: limits.perClient });
      return;
    }
    held.set(client, count + 1);
    socket.once('close', () => {
      const left = (held.get(client) ?? 1) - 1;
      if (left > 0) held.set(client, left);
      else held.delete(client);
    });
  });
  server.once('close', () => refusals.close());
}

/**
 * The client a connection counts against: its IPv4 address (IPv4-mapped IPv6 included), or the /64 of
 * its IPv6 address, since one host commonly has a whole /64 to pick addresses from.
 */
export function clientOf(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return mapped;
  const bare = address.replace(/%.*$/, '');
  if (isIPv4(bare) || !isIPv6(bare)) return bare;
  const prefix = ipv6Words(bare)
    .slice(0, 4)
    .map((word) => word.toString(16))
    .join(':');
  return `${prefix}::/64`;
}
