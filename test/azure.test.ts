/**
 * Azure OpenAI through the real server and the openai SDK: deployment paths, api-version, the api-key
 * header (never Authorization), plain and streamed answers in OpenAI's shape with usage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

describe('azure/ deployments', () => {
  let upstream: MockUpstream;
  let gateway: RunningGateway;
  before(async () => {
    upstream = await startMockUpstream();
    gateway = await startGateway(
      testConfig({
        deployments: [
          deployment({
            modelName: 'gpt-4o-azure',
            provider: 'azure',
            model: 'my-gpt4o',
            litellmModel: 'azure/my-gpt4o',
            // As LiteLLM configs write it: the resource URL (here the mock, which ends in /v1).
            apiBase: upstream.url,
            apiKey: 'sk-test-azure-key',
            apiVersion: '2024-10-21',
          }),
        ],
      }),
    );
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('calls the deployment path with api-version and the api-key header', async () => {
    const answer = await gateway.client().chat.completions.create({
      model: 'gpt-4o-azure',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.ok(answer.choices[0]?.message.content);
    assert.ok(answer.usage && answer.usage.total_tokens > 0);
    const call = upstream.received.at(-1);
    assert.match(
      call?.path ?? '',
      /\/openai\/deployments\/my-gpt4o\/chat\/completions\?api-version=2024-10-21$/,
    );
    assert.equal(call?.headers['api-key'], 'sk-test-azure-key');
    assert.equal(call?.headers.authorization, undefined);
  });

  it('streams in OpenAI chunks, with usage', async () => {
    const stream = await gateway.client().chat.completions.create({
      model: 'gpt-4o-azure',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let total = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      total = chunk.usage?.total_tokens ?? total;
    }
    assert.ok(text.length > 0);
    assert.ok(total > 0);
    assert.match(upstream.received.at(-1)?.path ?? '', /deployments\/my-gpt4o\/chat\/completions/);
  });
});
