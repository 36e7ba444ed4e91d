import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CATALOG, descriptorFor, isKnownUnsupported, prefixesOf, providerOf } from './catalog.ts';
import type { ProviderDescriptor } from './descriptor.ts';

const dir = new URL('./', import.meta.url);
/** Provider folders: those with a descriptor.ts (http/, translated/, … are shared code). */
const folders = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && readdirSync(new URL(`${e.name}/`, dir)).includes('descriptor.ts'))
  .map((e) => e.name);

describe('the provider catalog', () => {
  it('has every provider folder, each under its own name, and no entry without a folder', async () => {
    for (const folder of folders) {
      const { descriptor } = (await import(`./${folder}/descriptor.ts`)) as {
        descriptor: ProviderDescriptor;
      };
      assert.equal(descriptor.name, folder, `${folder}/descriptor.ts names its folder`);
      assert.ok(CATALOG.includes(descriptor), `catalog.ts lists ${folder}`);
    }
    assert.deepEqual(CATALOG.map((d) => d.name).sort(), [...folders].sort());
  });

  it('keeps descriptors free of code: they import types only', () => {
    for (const folder of folders) {
      const source = readFileSync(new URL(`${folder}/descriptor.ts`, dir), 'utf8');
      for (const line of source.split('\n').filter((l) => /^\s*(import|export .* from)\b/.test(l)))
        assert.match(line, /^import type /, `${folder}/descriptor.ts: ${line}`);
    }
  });

  it('gives every prefix to one provider only', () => {
    const all = CATALOG.flatMap((d) => [...prefixesOf(d), ...(d.readAs ?? [])]);
    assert.deepEqual(
      all.filter((p, i) => all.indexOf(p) !== i),
      [],
    );
  });

  it('tells each provider where to send requests and where its key comes from', () => {
    for (const d of CATALOG) {
      if (d.adapter === 'openai-compatible')
        assert.ok(d.defaultApiBase !== undefined || d.apiBaseRequired !== undefined, d.name);
      if (d.keyExpected) assert.ok((d.env.key ?? []).length > 0, `${d.name} names its key variable`);
      if (d.defaultApiBase !== undefined) assert.doesNotThrow(() => new URL(d.defaultApiBase ?? ''), d.name);
    }
  });

  it('reads aliases as written and older prefixes as the provider', () => {
    assert.equal(descriptorFor('ollama_chat')?.name, 'ollama');
    assert.equal(providerOf('ollama_chat'), 'ollama_chat');
    assert.equal(providerOf('vllm'), 'vllm');
    assert.equal(providerOf('text-completion-openai'), 'openai');
    assert.equal(providerOf('meta-llama'), undefined);
  });

  it("knows LiteLLM's other prefixes, and none it supports, as not supported yet", () => {
    assert.ok(isKnownUnsupported('cohere'));
    assert.ok(!isKnownUnsupported('groq'));
    assert.ok(!isKnownUnsupported('meta-llama'));
  });
});
