/** A recorded batchEmbedContents answer as OpenAI's embeddings list, in float and base64 encodings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureJson } from '../../../test/fixtures/gemini/fixtures.ts';
import { embeddingsAnswer } from './embeddings.ts';

describe('gemini embeddings', () => {
  const body = fixtureJson('embeddings.openai.json');
  const upstream = fixtureJson('embeddings.response.json');

  it('gives one embedding per input, in order, with estimated usage', () => {
    const answer = embeddingsAnswer(upstream, body);
    assert.deepEqual(answer.json, {
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.25, -0.5, 0.125, 0.75] },
        { object: 'embedding', index: 1, embedding: [-0.0625, 0.5, 0.375, -0.25] },
      ],
      model: 'gemini-embedding-001',
      // "hello world" (11 characters) ≈ 3 tokens, "goodbye" (7) ≈ 2.
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
    assert.equal(answer.usage?.totalTokens, 5);
  });

  it('encodes base64 as OpenAI does (little-endian float32), for the openai SDK', () => {
    const answer = embeddingsAnswer(upstream, { ...body, encoding_format: 'base64' });
    const first = (answer.json.data as Array<{ embedding: string }>)[0]?.embedding ?? '';
    const bytes = Buffer.from(first, 'base64');
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    assert.deepEqual(Array.from(values), [0.25, -0.5, 0.125, 0.75]);
  });

  it('fails an answer without embeddings as a bad upstream answer', () => {
    assert.throws(() => embeddingsAnswer({}, body), { status: 502 });
  });
});
