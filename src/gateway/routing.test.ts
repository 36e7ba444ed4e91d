import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { clientTags, mergeTags } from './request-tags.ts';
import { MemoryState } from './router-state.ts';
import { available, choose, simpleShuffle, underLimits } from './routing.ts';
import { byTags, inRegion } from './tag-routing.ts';

const d = (id: string, fields: Partial<Deployment> = {}): Deployment => ({
  id,
  modelName: 'g',
  provider: 'openai',
  model: id,
  litellmModel: `openai/${id}`,
  params: {},
  modelInfo: {},
  ...fields,
});

function shares(deployments: Deployment[], n = 4000): Record<string, number> {
  const counts: Record<string, number> = {};
  let seed = 1;
  // A fixed pseudo-random sequence, so the shares are the same on every run.
  const random = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < n; i++) {
    const id = simpleShuffle(deployments, random).id;
    counts[id] = (counts[id] ?? 0) + 1 / n;
  }
  return counts;
}

describe('simple-shuffle', () => {
  it('weights by weight, else rpm, else tpm, else evenly', () => {
    const byWeight = shares([d('a', { weight: 3 }), d('b', { weight: 1 })]);
    assert.ok(Math.abs((byWeight.a ?? 0) - 0.75) < 0.03, JSON.stringify(byWeight));
    const byRpm = shares([d('a', { rpm: 100 }), d('b', { rpm: 300 })]);
    assert.ok(Math.abs((byRpm.b ?? 0) - 0.75) < 0.03, JSON.stringify(byRpm));
    const even = shares([d('a'), d('b')]);
    assert.ok(Math.abs((even.a ?? 0) - 0.5) < 0.03, JSON.stringify(even));
  });
});

describe('cooldowns', () => {
  const failure = new GatewayError('down', { status: 500, type: 'api_error' });
  it('leaves out a deployment that failed more than allowed_fails times in a minute, for cooldown_time', () => {
    let now = 0;
    const state = new MemoryState({ allowedFails: 2, cooldownMs: 30_000, disabled: false }, () => now);
    const group = [d('a'), d('b')];
    assert.equal(state.failedNow('a', failure), false);
    assert.equal(state.failedNow('a', failure), false);
    assert.equal(state.failedNow('a', failure), true);
    assert.deepEqual(
      available('g', group, state.viewNow(['a', 'b'])).map((x) => x.id),
      ['b'],
    );
    now = 30_001;
    assert.deepEqual(
      available('g', group, state.viewNow(['a', 'b'])).map((x) => x.id),
      ['a', 'b'],
    );
  });

  it('does not count a client error, and forgets failures older than a minute', () => {
    let now = 0;
    const state = new MemoryState({ allowedFails: 1, cooldownMs: 30_000, disabled: false }, () => now);
    const bad = new GatewayError('bad temperature', { status: 400, type: 'invalid_request_error' });
    assert.equal(state.failedNow('a', bad), false);
    assert.equal(state.failedNow('a', bad), false);
    assert.equal(state.failedNow('a', failure), false);
    now = 61_000;
    assert.equal(state.failedNow('a', failure), false, 'the first failure is over a minute old');
  });

  it('answers 429 with Retry-After when every deployment cools down', () => {
    const state = new MemoryState({ allowedFails: 0, cooldownMs: 10_000, disabled: false }, () => 0);
    state.failedNow('a', failure);
    state.failedNow('b', failure);
    assert.throws(
      () => available('g', [d('a'), d('b')], state.viewNow(['a', 'b'])),
      (err) =>
        err instanceof GatewayError &&
        err.status === 429 &&
        err.retryAfterSeconds === 10 &&
        /cooling down/.test(err.message),
    );
  });
});

describe('routing strategies and limits', () => {
  const settings = { allowedFails: 3, cooldownMs: 5000, disabled: false };
  const ids = ['a', 'b', 'c'];
  it('least-busy picks the deployment with the fewest calls in flight', () => {
    const s = new MemoryState(settings, () => 0);
    s.startNow('a', undefined);
    s.startNow('a', undefined);
    s.startNow('b', undefined);
    assert.equal(choose('least-busy', [d('a'), d('b'), d('c')], s.viewNow(ids)).id, 'c');
  });

  it('latency-based-routing tries an unmeasured deployment, then the fastest', () => {
    const s = new MemoryState(settings, () => 0);
    s.finish('a', 300, true);
    assert.equal(choose('latency-based-routing', [d('a'), d('b')], s.viewNow(ids)).id, 'b');
    s.finish('b', 900, true);
    assert.equal(choose('latency-based-routing', [d('a'), d('b')], s.viewNow(ids)).id, 'a');
  });

  it('usage-based-routing picks the smallest share of its tpm used', () => {
    const s = new MemoryState(settings, () => 0);
    s.addTokens('a', 900);
    s.addTokens('b', 300);
    const group = [d('a', { tpm: 1000 }), d('b', { tpm: 400 })];
    assert.equal(choose('usage-based-routing', group, s.viewNow(ids)).id, 'b');
  });

  it('leaves out a deployment at its rpm for the minute, and answers 429 when all are', () => {
    let now = 0;
    const s = new MemoryState(settings, () => now);
    assert.equal(s.startNow('a', 2), true);
    assert.equal(s.startNow('a', 2), true);
    assert.equal(s.startNow('a', 2), false, 'start() itself refuses past the rpm');
    assert.deepEqual(
      underLimits('g', [d('a', { rpm: 2 }), d('b', { rpm: 5 })], s.viewNow(ids)).map((x) => x.id),
      ['b'],
    );
    assert.throws(
      () => underLimits('g', [d('a', { rpm: 2 })], s.viewNow(ids)),
      (err) => err instanceof GatewayError && err.status === 429,
    );
    now = 60_000;
    assert.deepEqual(
      underLimits('g', [d('a', { rpm: 2 })], s.viewNow(ids)).map((x) => x.id),
      ['a'],
      'a new minute',
    );
  });
});

const ids = (deployments: Deployment[]) => deployments.map((x) => x.id);

describe('byTags', () => {
  const group = [d('a', { tags: ['x', 'y'] }), d('b', { tags: ['y'] }), d('plain')];

  it('matches any tag by default, every tag when asked', () => {
    assert.deepEqual(ids(byTags('g', group, ['y', 'z'], true)), ['a', 'b']);
    assert.deepEqual(ids(byTags('g', group, ['x', 'y'], false)), ['a']);
    assert.throws(() => byTags('g', group, ['y', 'z'], false), GatewayError);
  });

  it('leaves untagged requests to every deployment unless some are tagged default', () => {
    assert.deepEqual(ids(byTags('g', group, [], true)), ['a', 'b', 'plain']);
    const withDefault = [...group, d('fallback', { tags: ['default'] })];
    assert.deepEqual(ids(byTags('g', withDefault, [], true)), ['fallback']);
    assert.deepEqual(ids(byTags('g', withDefault, ['nobody'], true)), ['fallback']);
  });

  it('refuses a tagged request no deployment serves with a 400 naming the group and tags', () => {
    assert.throws(
      () => byTags('g', group, ['nobody'], true),
      (err) => err instanceof GatewayError && err.status === 400 && /`g`.*nobody/.test(err.message),
    );
  });
});

describe('inRegion', () => {
  it('keeps the deployments in the region, or refuses', () => {
    const group = [d('eu', { regionName: 'eu' }), d('us', { regionName: 'us' }), d('plain')];
    assert.deepEqual(ids(inRegion('g', group, 'eu')), ['eu']);
    assert.throws(
      () => inRegion('g', group, 'apac'),
      (err) => err instanceof GatewayError && err.status === 400,
    );
  });
});

describe('clientTags', () => {
  it("takes the body's tags, else the header's, else metadata's", () => {
    const headers = { 'x-litellm-tags': 'h1, h2,,' };
    assert.deepEqual(clientTags({ tags: ['b'], metadata: { tags: ['m'] } }, headers), ['b']);
    assert.deepEqual(clientTags({ metadata: { tags: ['m'] } }, headers), ['h1', 'h2']);
    assert.deepEqual(clientTags({ metadata: { tags: ['m'] } }, {}), ['m']);
    assert.deepEqual(clientTags({}, {}), []);
  });

  it('refuses what is not a short list of short strings', () => {
    for (const tags of ['a', [1], Array(65).fill('t'), ['t'.repeat(257)]])
      assert.throws(
        () => clientTags({ tags }, {}),
        (err) => err instanceof GatewayError && err.status === 400,
      );
    assert.deepEqual(
      clientTags({ metadata: { tags: 'a' } }, {}),
      [],
      "metadata's tags may be another tool's",
    );
    assert.deepEqual(clientTags({ metadata: { tags: ['a', 1] } }, {}), ['a']);
  });

  it('merges lists in order, each tag once', () => {
    assert.deepEqual(mergeTags(['a', 'b'], undefined, ['b', 'c']), ['a', 'b', 'c']);
  });
});
