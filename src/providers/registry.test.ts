import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment } from '../config/types.ts';
import { CATALOG, prefixesOf } from './catalog.ts';
import { openAiParams } from './openai-compatible/params.ts';
import { getProvider } from './registry.ts';

describe('the provider registry', () => {
  it("has an adapter for every prefix in the catalog, named as written, with its descriptor's dialect", () => {
    for (const d of CATALOG)
      for (const prefix of prefixesOf(d)) {
        const adapter = getProvider(prefix);
        assert.equal(adapter?.name, prefix);
        assert.equal(adapter?.system, d.telemetry?.system ?? 'openai', prefix);
        if (d.params === 'openai')
          for (const endpoint of ['chat', 'completions', 'embeddings'] as const)
            assert.equal(adapter?.supportedParams(endpoint, 'm'), openAiParams(endpoint, 'm'), prefix);
      }
  });

  it("sends a plain host's requests to its descriptor's api_base when the deployment sets none", async () => {
    // An aborted call stops before connecting, yet reports where it was going.
    const signal = AbortSignal.abort();
    for (const d of CATALOG.filter((c) => c.adapter === 'openai-compatible' && c.defaultApiBase)) {
      const deployment: Deployment = {
        id: d.name,
        modelName: 'm',
        provider: d.name,
        model: 'm',
        litellmModel: `${d.name}/m`,
        params: {},
        modelInfo: {},
      };
      const adapter = getProvider(d.name);
      const result = await adapter?.call(
        'chat',
        { model: 'm', messages: [] },
        { deployment, signal, timeoutMs: 1000 },
      );
      assert.equal(result?.apiBase, new URL(d.defaultApiBase ?? '').host, d.name);
    }
  });
});
