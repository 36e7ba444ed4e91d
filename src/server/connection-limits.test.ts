import assert from 'node:assert/strict';
import { it } from 'node:test';
import { clientOf } from './connection-limits.ts';
import { ConnectionRefusals } from './connection-refusals.ts';

it('counts IPv4 clients by address and IPv6 clients by their /64', () => {
  assert.equal(clientOf('127.0.0.1'), '127.0.0.1');
  assert.equal(clientOf('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(clientOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
  assert.equal(clientOf('2001:db8:1:2::17'), '2001:db8:1:2::/64');
  assert.equal(clientOf('2001:0db8::1'), '2001:db8:0:0::/64');
  assert.equal(clientOf('::1'), '0:0:0:0::/64');
  assert.equal(clientOf('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(clientOf(undefined), 'unknown');
});

it('logs the first refusal at once, then one line per interval with the count, then nothing', async () => {
  const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const refusals = new ConnectionRefusals({ warn: (obj, msg) => lines.push({ obj: { ...obj }, msg }) }, 100);
  const perClient = { client: '10.0.0.1', cap: 'max_connections_per_client', limit: 5 } as const;
  for (let i = 0; i < 50; i++) refusals.refused(perClient);
  refusals.refused({ client: '10.0.0.2', cap: 'max_connections', limit: 8 });
  refusals.refused({ client: '10.0.0.3', cap: 'max_connections', limit: 8 });
  assert.equal(lines.length, 2, 'one line per client, one for the total');
  assert.match(lines[0]?.msg ?? '', /^refused a connection from 10\.0\.0\.1: it holds 5 connections/);
  assert.match(
    lines[1]?.msg ?? '',
    /^refused a connection from 10\.0\.0\.2: the gateway holds 8 connections/,
  );

  await new Promise((r) => setTimeout(r, 150));
  assert.equal(lines.length, 4);
  const client = lines.slice(2).find((l) => l.obj.client === '10.0.0.1' && l.obj.refused === 49);
  assert.match(client?.msg ?? '', /^refused 49 more connection\(s\) from 10\.0\.0\.1 in the last 0\.1 s/);
  const total = lines.slice(2).find((l) => l.obj.max_connections === 8 && l.obj.refused === 1);
  assert.match(total?.msg ?? '', /\(the last from 10\.0\.0\.3\)/);

  // Quiet intervals write nothing; a refusal after them is a first one again.
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(lines.length, 4);
  refusals.refused(perClient);
  assert.equal(lines.length, 5);
  assert.match(lines[4]?.msg ?? '', /^refused a connection from 10\.0\.0\.1/);
  refusals.close();
});
