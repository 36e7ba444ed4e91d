/** Calls the management API of a running gateway as a LiteLLM client does: JSON in, status and JSON out. */
import { after, before } from 'node:test';
import { deployment, type RunningGateway, startGateway, testConfig } from './gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './mock-upstream.ts';

export const MASTER = 'sk-test-master';

export interface Answer {
  status: number;
  /** The parsed JSON, untyped as JSON.parse gives it: tests read whichever fields they check. */
  body: ReturnType<typeof JSON.parse>;
}

export function managementApi(url: () => string) {
  return async function call(
    path: string,
    body?: unknown,
    options: { key?: string; method?: string } = {},
  ): Promise<Answer> {
    const method = options.method ?? (body === undefined ? 'GET' : 'POST');
    const response = await fetch(`${url()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.key ?? MASTER}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}

/** A chat request with a key (and an end user), answered with its status and error type. */
export async function chat(
  url: string,
  key: string,
  model: string,
  user?: string,
): Promise<{ status: number; type?: string; message?: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...(user ? { user } : {}) }),
  });
  const body = (await response.json()) as { error?: { type?: string; message?: string } };
  return { status: response.status, type: body.error?.type, message: body.error?.message };
}

/**
 * Registers hooks that start a mock upstream and a gateway with virtual keys (master key
 * `sk-test-master`) and one priced model group, `priced` ($0.001 a prompt token, $0.002 a completion
 * token: the mock's request costs $0.026), and stop both. The holder is filled in `before`.
 */
export function pricedKeyGateway(accounts: () => Promise<{ sqlitePath?: string; databaseUrl?: string }>): {
  gateway: RunningGateway;
  upstream: MockUpstream;
} {
  const holder = {} as { gateway: RunningGateway; upstream: MockUpstream };
  before(async () => {
    holder.upstream = await startMockUpstream();
    holder.gateway = await startGateway(
      testConfig({
        masterKey: 'sk-test-master',
        deployments: [
          deployment({
            modelName: 'priced',
            model: 'my-finetune',
            apiBase: holder.upstream.url,
            modelInfo: { input_cost_per_token: 0.001, output_cost_per_token: 0.002 },
          }),
        ],
      }),
      undefined,
      undefined,
      undefined,
      await accounts(),
    );
  });
  after(async () => {
    await holder.gateway.close();
    await holder.upstream.close();
  });
  return holder;
}
