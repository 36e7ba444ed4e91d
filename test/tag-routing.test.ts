/**
 * Tag-based routing (`router_settings.enable_tag_filtering`, deployments' `litellm_params.tags`) and an
 * end user's `allowed_model_region` (deployments' `region_name`), against the real CLI on a config.yaml
 * as LiteLLM users write it: which deployment answers (`x-litellm-model-id`), the refusals, and the tags
 * a request's spend log row and span keep.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { call, chat, errorOf, MASTER, newKey } from './helpers/keys.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

let upstream: MockUpstream;
before(async () => {
  upstream = await startMockUpstream();
});
after(async () => {
  await upstream?.close();
});

/** A model_list entry at the mock upstream. */
function entry(group: string, id: string, extra = ''): string {
  return `  - model_name: ${group}\n    litellm_params: { model: openai/m, api_base: "${upstream.url}", api_key: sk-test-upstream${extra} }\n    model_info: { id: ${id} }\n`;
}

async function gateway(modelList: string, routerSettings: string): Promise<Server> {
  const dir = tempDir({});
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `model_list:\n${modelList}${routerSettings}general_settings:\n  master_key: ${MASTER}\n`,
  );
  return startCli(['--config', config], { env: cleanEnv({ TOLLGATE_TRACE_STORE: join(dir, 'traces.db') }) });
}

/** The deployments that answered `times` requests made by `ask`, each once. */
async function answeredBy(
  ask: () => Promise<{ status: number; headers: Headers }>,
  times = 6,
): Promise<string[]> {
  const ids = new Set<string>();
  for (let i = 0; i < times; i++) {
    const answer = await ask();
    assert.equal(answer.status, 200);
    ids.add(String(answer.headers.get('x-litellm-model-id')));
  }
  return [...ids].sort();
}

/** A chat request with the `x-litellm-tags` header. */
async function withTagHeader(url: string, tags: string): Promise<{ status: number; headers: Headers }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${MASTER}`,
      'content-type': 'application/json',
      'x-litellm-tags': tags,
    },
    body: JSON.stringify({ model: 'tagged', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response;
}

describe('tag-based routing', () => {
  let server: Server;
  before(async () => {
    server = await gateway(
      entry('tagged', 'team-a-model', ', tags: [teamA]') +
        entry('tagged', 'team-b-model', ', tags: [teamB, shared]') +
        entry('tiered', 'default-model', ', tags: [default]') +
        entry('tiered', 'paid-model', ', tags: [paid]') +
        entry('tiered', 'untagged-model'),
      'router_settings:\n  enable_tag_filtering: true\n',
    );
  });
  after(async () => {
    await server?.stop();
  });

  it("sends a team's keys to the deployments carrying the team's tags (LiteLLM's test)", async () => {
    for (const [tag, id] of [
      ['teamA', 'team-a-model'],
      ['teamB', 'team-b-model'],
    ]) {
      const team = await call(server.url, '/team/new', { tags: [tag] });
      assert.equal(team.status, 200, JSON.stringify(team.body));
      const { key } = await newKey(server.url, { team_id: team.body.team_id });
      assert.deepEqual(await answeredBy(() => chat(server.url, key, 'tagged')), [id]);
    }
  });

  it("routes by the request's tags: the body's, the x-litellm-tags header's, metadata's", async () => {
    const { url } = server;
    assert.deepEqual(await answeredBy(() => chat(url, MASTER, 'tagged', { tags: ['teamB'] })), [
      'team-b-model',
    ]);
    assert.deepEqual(await answeredBy(() => withTagHeader(url, ' teamA , other')), ['team-a-model']);
    assert.deepEqual(
      await answeredBy(() => chat(url, MASTER, 'tagged', { metadata: { tags: ['shared'] } })),
      ['team-b-model'],
    );
    const { key } = await newKey(url, { tags: ['teamA'] });
    assert.deepEqual(
      await answeredBy(() => chat(url, key, 'tagged')),
      ['team-a-model'],
      "the key's own tags",
    );
    assert.equal(upstream.received.at(-1)?.body.tags, undefined, 'tags are not sent upstream');
    const info = await call(url, '/model/info?litellm_model_id=team-b-model');
    const shown = (info.body.data as Array<{ litellm_params: Record<string, unknown> }>)[0];
    assert.deepEqual(shown?.litellm_params.tags, ['teamB', 'shared'], '/model/info shows them');
  });

  it('sends untagged requests, and tags no deployment carries, to the default deployments', async () => {
    const { url } = server;
    assert.deepEqual(await answeredBy(() => chat(url, MASTER, 'tiered')), ['default-model']);
    assert.deepEqual(await answeredBy(() => chat(url, MASTER, 'tiered', { tags: ['paid'] })), ['paid-model']);
    assert.deepEqual(await answeredBy(() => chat(url, MASTER, 'tiered', { tags: ['nobody'] })), [
      'default-model',
    ]);
    const untagged = await answeredBy(() => chat(url, MASTER, 'tagged'), 24);
    assert.deepEqual(untagged, ['team-a-model', 'team-b-model'], 'no default deployment: any of them');
  });

  it('refuses tags no deployment of the group carries when none is a default, without calling upstream', async () => {
    const before = upstream.received.length;
    const refused = await chat(server.url, MASTER, 'tagged', { tags: ['teamC'] });
    assert.equal(refused.status, 400);
    assert.equal(errorOf(refused).type, 'invalid_request_error');
    assert.equal(errorOf(refused).code, 'no_deployments_with_tag_routing');
    assert.match(String(errorOf(refused).message), /teamC/);
    assert.equal(upstream.received.length, before);
    const malformed = await chat(server.url, MASTER, 'tagged', { tags: 'teamA' });
    assert.equal(malformed.status, 400);
    assert.match(String(errorOf(malformed).message), /tags must be a list of strings/);
  });

  it("keeps the request's, the key's and the team's tags on its spend log row and its span", async () => {
    const team = await call(server.url, '/team/new', { team_alias: 'tag-logs', tags: ['teamA'] });
    const { key, token } = await newKey(server.url, { team_id: team.body.team_id, tags: ['billing-x'] });
    const answer = await chat(server.url, key, 'tagged', { tags: ['req-1'] });
    assert.equal(answer.headers.get('x-litellm-model-id'), 'team-a-model');
    const expected = ['req-1', 'billing-x', 'teamA'];
    let row: Record<string, unknown> | undefined;
    for (let i = 0; i < 100 && row === undefined; i++) {
      const logs = await call(server.url, `/spend/logs?api_key=${token}`);
      row = (logs.body as unknown as Array<Record<string, unknown>>)[0];
      if (row === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(row?.request_tags, expected);
    let tags: unknown;
    for (let i = 0; i < 100 && tags === undefined; i++) {
      const found = await call(server.url, '/api/default/_search?type=traces', {
        query: {
          sql: `SELECT * FROM "default" WHERE tag_tags LIKE '%req-1%' AND operation_name = 'ChatCompletion'`,
          start_time: 0,
          end_time: Date.now() * 1000 + 60e6,
        },
      });
      const hit = (found.body.hits as Array<Record<string, unknown>> | undefined)?.[0];
      tags = hit?.tag_tags;
      if (tags === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(typeof tags === 'string' ? JSON.parse(tags) : tags, expected);
  });
});

describe('tags without enable_tag_filtering, and allowed_model_region', () => {
  let server: Server;
  before(async () => {
    server = await gateway(
      entry('tagged', 'team-a-model', ', tags: [teamA]') +
        entry('tagged', 'team-b-model', ', tags: [teamB]') +
        entry('regional', 'eu-model', ', region_name: eu') +
        entry('regional', 'anywhere-model') +
        entry('unplaced', 'unplaced-model') +
        entry('unplaced-with-fallback', 'unplaced-2-model'),
      'router_settings:\n  fallbacks: [{ unplaced-with-fallback: [regional] }]\n',
    );
  });
  after(async () => {
    await server?.stop();
  });

  it('does not route by tags unless enable_tag_filtering is set, as LiteLLM', async () => {
    const ids = await answeredBy(() => chat(server.url, MASTER, 'tagged', { tags: ['teamA'] }), 24);
    assert.deepEqual(ids, ['team-a-model', 'team-b-model']);
  });

  it("sends an end user with an allowed_model_region to that region's deployments only", async () => {
    const { url } = server;
    assert.equal(
      (await call(url, '/end_user/new', { user_id: 'eu-user', allowed_model_region: 'eu' })).status,
      200,
    );
    const { key } = await newKey(url, { models: ['regional', 'unplaced', 'unplaced-with-fallback'] });
    for (const caller of [MASTER, key]) {
      const ask = () => chat(url, caller, 'regional', { user: 'eu-user' });
      assert.deepEqual(await answeredBy(ask), ['eu-model']);
      assert.equal((await ask()).headers.get('x-litellm-model-region'), 'eu');
      const nowhere = await chat(url, caller, 'unplaced', { user: 'eu-user' });
      assert.equal(nowhere.status, 400, JSON.stringify(nowhere.body));
      assert.equal(errorOf(nowhere).code, 'no_deployments_in_region');
      const fellBack = await chat(url, caller, 'unplaced-with-fallback', { user: 'eu-user' });
      assert.equal(fellBack.status, 200, 'a fallback group with a deployment in the region answers');
      assert.equal(fellBack.headers.get('x-litellm-model-id'), 'eu-model');
    }
    const anyone = await answeredBy(() => chat(url, MASTER, 'regional', { user: 'someone-else' }), 24);
    assert.deepEqual(anyone, ['anywhere-model', 'eu-model'], 'other end users go anywhere');
  });
});
