import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nonPublicRange } from './address-ranges.ts';
import { DestinationPolicy, DestinationRefused } from './destination-policy.ts';

describe('nonPublicRange', () => {
  const cases: Array<[string, string | undefined]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.31.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fc00::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    // IPv6 spellings of IPv4 addresses: mapped, compatible, NAT64 and 6to4.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['93.184.216.34', undefined],
    ['2606:4700::1111', undefined],
    ['::ffff:93.184.216.34', undefined],
    ['64:ff9b::5db8:d822', undefined],
  ];
  for (const [address, range] of cases)
    it(`${address}: ${range ?? 'public'}`, () => assert.equal(nonPublicRange(address), range));
});

describe('DestinationPolicy', () => {
  it('refuses addresses in the URL in any spelling, and localhost, before resolving anything', () => {
    const policy = new DestinationPolicy([], () => assert.fail('nothing to resolve'));
    for (const host of [
      '127.0.0.1',
      'localhost',
      'LOCALHOST.',
      'api.localhost',
      '[::1]',
      '[0:0:0:0:0:0:0:1]',
      '0x7f000001',
      '2130706433',
      '0177.0.0.1',
      '127.1',
      '[::ffff:127.0.0.1]',
      '169.254.169.254',
      '0',
      '[::]',
      '10.0.0.1:8080',
    ])
      assert.match(policy.refusal(`http://${host}/hook`) ?? '', /^destination refused: /, host);
    assert.equal(policy.refusal('https://hooks.example.com/x'), undefined, 'a name is for DNS to judge');
    assert.equal(policy.refusal('https://93.184.216.34/x'), undefined);
  });

  it('lets through what the allow-list names: a name, an address, a range', () => {
    const policy = new DestinationPolicy(['127.0.0.1', '10.0.0.0/8', 'Hooks.Internal']);
    assert.equal(policy.refusal('http://127.0.0.1:9/'), undefined);
    assert.equal(policy.refusal('http://[::ffff:127.0.0.1]:9/'), undefined, 'mapped: the same address');
    assert.equal(policy.refusal('http://10.9.8.7/'), undefined);
    assert.match(policy.refusal('http://127.0.0.2/') ?? '', /loopback/);
    assert.match(policy.refusal('http://[::1]/') ?? '', /loopback/);
    assert.equal(policy.refusal('http://hooks.internal./'), undefined);
  });

  it('checks every address a name resolves to', async () => {
    const answers: Record<string, string[]> = {
      'public.test': ['93.184.216.34', '2606:4700::1111'],
      'mixed.test': ['93.184.216.34', '127.0.0.1'],
      'metadata.test': ['169.254.169.254'],
      'mapped.test': ['::ffff:10.0.0.1'],
    };
    const resolve = async (host: string) =>
      (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const policy = new DestinationPolicy([], resolve);
    assert.deepEqual(
      (await policy.resolve('public.test')).map((a) => a.address),
      ['93.184.216.34', '2606:4700::1111'],
    );
    for (const host of ['mixed.test', 'metadata.test', 'mapped.test', 'nothing.test'])
      await assert.rejects(policy.resolve(host), DestinationRefused, host);
    const allowed = new DestinationPolicy(['mixed.test', '169.254.169.254'], resolve);
    assert.equal((await allowed.resolve('mixed.test')).length, 2);
    assert.equal((await allowed.resolve('metadata.test')).length, 1);
  });

  it('answers lookups as net.connect asks: all addresses, or one of a family', async () => {
    const policy = new DestinationPolicy([], async () => [
      { address: '2606:4700::1111', family: 6 },
      { address: '93.184.216.34', family: 4 },
    ]);
    const ask = (options: { family?: number; all?: boolean }) =>
      new Promise<unknown>((resolve, reject) =>
        policy.lookup('public.test', options, (err, address, family) =>
          err ? reject(err) : resolve(options.all ? address : [address, family]),
        ),
      );
    assert.equal(((await ask({ all: true })) as unknown[]).length, 2);
    assert.deepEqual(await ask({ family: 4 }), ['93.184.216.34', 4]);
  });

  it('refuses an allow-list entry that is neither a name, an address nor a range', () => {
    for (const entry of ['10.0.0.0/33', '*.example.com', 'http://x', '1.2.3.4/8/1', ''])
      assert.throws(() => new DestinationPolicy([entry]), /webhook_allowed_hosts/, entry);
  });
});
