import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseModelString, SUPPORTED_PROVIDERS } from './provider.ts';

describe('parseModelString', () => {
  it('reads the provider from the first segment and keeps the rest as the model id', () => {
    assert.deepEqual(parseModelString('openai/gpt-4o-mini'), {
      ok: true,
      provider: 'openai',
      model: 'gpt-4o-mini',
    });
    assert.deepEqual(parseModelString('openai/org/model'), {
      ok: true,
      provider: 'openai',
      model: 'org/model',
    });
    assert.deepEqual(parseModelString('mock/demo'), { ok: true, provider: 'mock', model: 'demo' });
  });

  it('takes a bare name as an OpenAI model', () => {
    for (const name of ['gpt-4o-mini', 'text-embedding-3-small', 'o3-mini']) {
      assert.deepEqual(parseModelString(name), { ok: true, provider: 'openai', model: name });
    }
  });

  it('treats text-completion-openai as openai', () => {
    assert.deepEqual(parseModelString('text-completion-openai/gpt-3.5-turbo-instruct'), {
      ok: true,
      provider: 'openai',
      model: 'gpt-3.5-turbo-instruct',
    });
  });

  it('honours custom_llm_provider', () => {
    assert.deepEqual(parseModelString('my-model', 'openai'), {
      ok: true,
      provider: 'openai',
      model: 'my-model',
    });
    assert.deepEqual(parseModelString('org/my-model', 'openai'), {
      ok: true,
      provider: 'openai',
      model: 'org/my-model',
    });
  });

  it('names known providers that are not supported yet, and the supported list', () => {
    for (const provider of ['anthropic', 'vertex_ai', 'bedrock', 'cohere']) {
      assert.deepEqual(parseModelString(`${provider}/x`), {
        ok: false,
        reason: `provider "${provider}" is not supported yet (supported: ${SUPPORTED_PROVIDERS.join(', ')})`,
      });
    }
  });

  it('explains how to reach an OpenAI-compatible server when the prefix is not a provider', () => {
    const ref = parseModelString('meta-llama/Llama-3.1-8B');
    assert.equal(ref.ok, false);
    assert.match(
      ref.ok ? '' : ref.reason,
      /provider "meta-llama" is not known.*"openai\/meta-llama\/Llama-3\.1-8B"/,
    );
  });

  it('refuses a provider with no model id', () => {
    assert.deepEqual(parseModelString('openai/'), { ok: false, reason: 'no model id after "openai/"' });
  });
});
