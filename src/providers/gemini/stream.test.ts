/** Recorded Gemini SSE transcripts (test/fixtures/gemini) as the OpenAI chunks a client assembles. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { fixtureText } from '../../../test/fixtures/gemini/fixtures.ts';
import type { JsonObject } from '../../shared/json.ts';
import { parseSse } from '../http/sse-parser.ts';
import { chunkEvents, wantsUsage } from '../openai-compatible/chat-stream.ts';
import { emptySummary } from '../spec.ts';
import { geminiStreamTranslator } from './stream.ts';

type Chunk = {
  id: string;
  model: string;
  choices: Array<{ index: number; delta: JsonObject; finish_reason: string | null }>;
  usage?: JsonObject;
};

/** The chunks a client gets, as the translated base passes them on (the usage chunk only when asked). */
function clientChunks(body: JsonObject): (chunks: JsonObject[]) => JsonObject[] {
  const summary = emptySummary();
  return (chunks) => chunkEvents(chunks, summary, wantsUsage(body)).map((e) => e.data as JsonObject);
}

/** Runs a transcript through the SSE parser and a translator, as the translated base does. */
async function translate(sse: string, body: JsonObject = {}): Promise<Chunk[]> {
  const translator = geminiStreamTranslator({ model: 'gemini-2.5-flash', ...body });
  const client = clientChunks(body);
  const out: JsonObject[] = [];
  for await (const batch of parseSse(Readable.from([Buffer.from(sse)])))
    for (const e of batch) out.push(...client(translator.event(e)));
  out.push(...client(translator.end()));
  return out as Chunk[];
}

const includeUsage = { stream_options: { include_usage: true } };

describe('gemini stream translation', () => {
  it('streams text: role first, the pieces in order, the finish reason, then usage', async () => {
    const chunks = await translate(fixtureText('stream-text.sse'), includeUsage);
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id for the whole stream');
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: 'Titan is' });
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, 'Titan is the largest moon of Saturn.');
    assert.deepEqual(
      chunks.map((c) => c.choices[0]?.finish_reason ?? null),
      [null, null, 'stop', null],
    );
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last?.usage, {
      prompt_tokens: 8,
      completion_tokens: 30,
      total_tokens: 38,
      completion_tokens_details: { reasoning_tokens: 21 },
    });
  });

  it('sends no usage chunk unless asked', async () => {
    const chunks = await translate(fixtureText('stream-text.sse'));
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
    assert.ok(chunks.every((c) => c.usage === undefined));
  });

  it('streams function calls whole, indexed, finishing with tool_calls', async () => {
    const [first, usage] = await translate(fixtureText('stream-tool-call.sse'), includeUsage);
    const calls = first?.choices[0]?.delta.tool_calls as Array<{
      index: number;
      id: string;
      function: JsonObject;
    }>;
    assert.deepEqual(
      calls.map((c) => [c.index, c.function.name, c.function.arguments]),
      [
        [0, 'get_weather', '{"city":"Paris","unit":"c"}'],
        [1, 'get_weather', '{"city":"Lyon","unit":"c"}'],
      ],
    );
    assert.ok(calls.every((c) => c.id.startsWith('call_')));
    assert.equal(first?.choices[0]?.finish_reason, 'tool_calls');
    assert.equal(usage?.usage?.total_tokens, 151);
  });

  it('fails a stream cut short, before any finish reason', async () => {
    const cut = fixtureText('stream-text.sse').split('\r\n\r\n').slice(0, 2).join('\r\n\r\n');
    await assert.rejects(translate(`${cut}\r\n\r\n`), { status: 502, code: 'upstream_stream_error' });
  });

  it('fails a prompt blocked mid-stream as a content policy violation', async () => {
    const blocked = `data: ${JSON.stringify({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } })}\r\n\r\n`;
    await assert.rejects(translate(blocked), { status: 400, code: 'content_policy_violation' });
  });
});
