import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { clientTags, mergeTags } from './request-tags.ts';
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
