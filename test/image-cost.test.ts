/**
 * Image generations are charged: DALL·E answers carry no token usage, so they are priced per image
 * (OpenAI's prices, or the deployment's `model_info`), shown in `x-litellm-response-cost`, added to the
 * key's spend, and held to its budget. Through the real server with the official openai SDK.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IMAGES } from './fixtures/openai/endpoints.ts';
import { type FixtureUpstream, startFixtureUpstream } from './helpers/fixture-upstream.ts';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { call, MASTER, newKey, settleSpend } from './helpers/keys.ts';

/** A DALL·E answer: images, no usage. */
const dallE = (n: number) => ({
  created: 1_767_225_600,
  data: Array.from({ length: n }, () => ({ url: 'https://example.test/i.png' })),
});

describe('image generation cost', () => {
  let upstream: FixtureUpstream;
  let gateway: RunningGateway;

  before(async () => {
    upstream = await startFixtureUpstream();
    const at = { apiBase: `${upstream.url}/v1`, apiKey: 'sk-test-upstream' };
    gateway = await startGateway(
      testConfig({
        masterKey: MASTER,
        deployments: [
          deployment({ modelName: 'dall-e-3', model: 'dall-e-3', ...at }),
          deployment({ modelName: 'dall-e-2', model: 'dall-e-2', ...at }),
          deployment({
            modelName: 'own-price',
            model: 'my-diffusion',
            modelInfo: { output_cost_per_image: 0.5 },
            ...at,
          }),
          deployment({
            modelName: 'per-pixel',
            model: 'my-diffusion',
            modelInfo: { input_cost_per_pixel: 1e-7 },
            ...at,
          }),
          deployment({ modelName: 'unpriced', model: 'my-diffusion', ...at }),
          deployment({ modelName: 'gpt-image', model: 'gpt-image-1', ...at }),
        ],
      }),
      undefined,
      undefined,
      undefined,
      {},
    );
  });
  after(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  /** The cost the gateway reports for one generation answered with `answer`. */
  async function costOf(
    key: string,
    body: Record<string, unknown>,
    answer: unknown = dallE(1),
  ): Promise<number | null> {
    upstream.queue('/v1/images/generations', { json: answer });
    const response = await gateway
      .client(key)
      .images.generate({ prompt: 'an otter', ...body } as never)
      .withResponse();
    const header = response.response.headers.get('x-litellm-response-cost');
    return header === null ? null : Number(header);
  }
  const near = (actual: number | null, expected: number) =>
    assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

  it("prices DALL·E by OpenAI's list: model, quality, size, and the images returned", async () => {
    near(await costOf(MASTER, { model: 'dall-e-3' }), 0.04);
    near(await costOf(MASTER, { model: 'dall-e-3', quality: 'hd', size: '1792x1024' }), 0.12);
    near(await costOf(MASTER, { model: 'dall-e-2', size: '512x512', n: 3 }, dallE(3)), 3 * 0.018);
  });

  it("prefers the deployment's model_info prices, per image or per pixel", async () => {
    near(await costOf(MASTER, { model: 'own-price', n: 2 }, dallE(2)), 1);
    near(await costOf(MASTER, { model: 'per-pixel', size: '512x512' }), 1e-7 * 512 * 512);
    assert.equal(await costOf(MASTER, { model: 'unpriced' }), null, 'no price: no cost claimed');
  });

  it('prices a token-priced model (gpt-image-1) from its usage', async () => {
    const cost = await costOf(MASTER, { model: 'gpt-image' }, IMAGES);
    assert.ok(cost !== null && cost > 0, String(cost));
  });

  it("charges a key's spend and holds it to its budget", async () => {
    const { key } = await newKey(gateway.url, { max_budget: 0.1 });
    near(await costOf(key, { model: 'dall-e-3', quality: 'hd' }), 0.08);
    await settleSpend(gateway);
    const info = await call(gateway.url, `/key/info?key=${key}`);
    near(Number((info.body.info as Record<string, unknown>).spend), 0.08);
    near(await costOf(key, { model: 'dall-e-3', quality: 'hd' }), 0.08);
    await settleSpend(gateway);
    upstream.queue('/v1/images/generations', { json: dallE(1) });
    const refused = await fetch(`${gateway.url}/v1/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'dall-e-3', prompt: 'one more' }),
    });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: { type: string } }).error.type, 'budget_exceeded');
  });
});
