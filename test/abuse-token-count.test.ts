/**
 * Abuse: a streamed request with a ~10 MB prompt to an upstream that reports no usage. The gateway counts
 * its tokens itself when the stream ends; counted whole, that held its event loop for 40 s and every
 * other client timed out. The gateway runs as `tollgate` in a process of its own, so that what this
 * process does (sending 10 MB, the mock upstream reading it) is not mistaken for the gateway's stalls:
 * other clients' requests, and a probe every 50 ms, are answered promptly throughout, and the span
 * still has token counts, marked estimated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

const PROMPT_BYTES = 10 * 1024 * 1024;
const OTHER_CLIENTS = 5;
/**
 * Longest wait for any small request: the gateway's own work on 10 MB (parsing, the span) holds its
 * event loop a few hundred milliseconds at a time, a second or two under load; counting the whole
 * prompt held it for 15 s and more.
 */
const PROMPT_MS = 5000;

/**
 * Prose-like text (words of 1–12 letters from a fixed pseudo-random sequence), and in it a 128 KiB run of
 * one character: byte-pair encoding is quadratic in the length of a word, so that run alone took the
 * unbounded count ~15 s, and the prose ~1 s per MB.
 */
function hostilePrompt(bytes: number): string {
  const run = 'x'.repeat(128 * 1024);
  const text = prose(bytes - run.length - 2);
  const middle = text.indexOf(' ', text.length >> 1);
  return `${text.slice(0, middle)} ${run} ${text.slice(middle + 1)}`;
}

function prose(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  let seed = 7;
  while (size < bytes) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const length = 1 + (seed % 12);
    let word = '';
    for (let i = 0; i < length; i++) word += String.fromCharCode(97 + ((seed >> (i + 3)) % 26));
    parts.push(word);
    size += length + 1;
  }
  return parts.join(' ');
}

describe('a 10 MB prompt to an upstream that reports no usage', { timeout: 120_000 }, () => {
  let upstream: MockUpstream;
  let server: Server;

  before(async () => {
    upstream = await startMockUpstream();
    // This upstream refuses stream_options: its streams carry no usage.
    upstream.defaultScript = { rejectStreamOptions: true };
    upstream.keepLog = false;
    const config = [
      'model_list:',
      '  - model_name: gpt-test',
      '    litellm_params:',
      '      model: openai/m',
      `      api_base: ${upstream.url}`,
      '      api_key: sk-test-unused',
      'general_settings:',
      '  max_request_size_mb: 16',
      '',
    ].join('\n');
    server = await startCli(['--config', 'config.yaml'], {
      cwd: tempDir({ 'config.yaml': config }),
      env: cleanEnv(),
    });
  });
  after(async () => {
    await server?.stop();
    await upstream?.close();
  });

  const chat = (content: string, stream: boolean) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content }], stream }),
    });

  /** Milliseconds `ask` took; it must succeed. */
  async function timed(ask: () => Promise<Response>): Promise<number> {
    const started = performance.now();
    const res = await ask();
    assert.equal(res.status, 200);
    await res.text();
    return performance.now() - started;
  }

  it('holds no other client up, and the span has estimated token counts', async () => {
    // A first small stream shows the gateway that this upstream reports no usage, and its span is there
    // once the tokenizer is loaded: the big one is then counted with it, as in a running gateway.
    await (await chat('warm up', true)).text();
    await spans(server.url, "input_value LIKE '%warm up%' AND tollgate_usage_estimated = true");

    const content = hostilePrompt(PROMPT_BYTES);
    let done = false;
    const big = chat(content, true).then((res) => res.text());
    // Others ask while the big one is sent, relayed and counted; a probe asks all along.
    const others = Array.from({ length: OTHER_CLIENTS }, async (_, i) => {
      await new Promise((r) => setTimeout(r, 100 + i * 150));
      return timed(() => chat(`small ${i}`, false));
    });
    const probes: number[] = [];
    const probe = (async () => {
      while (!done) {
        probes.push(await timed(() => fetch(`${server.url}/health/liveliness`)));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const text = await big;
    const latencies = await Promise.all(others);
    // The count runs as the stream ends: probe until the span is stored.
    const [span] = await spans(
      server.url,
      'tollgate_usage_estimated = true AND llm_token_count_prompt > 1000',
    );
    done = true;
    await probe;

    assert.match(text, /data: \[DONE\]/);
    for (const ms of [...latencies, ...probes])
      assert.ok(ms < PROMPT_MS, `a small request took ${Math.round(ms)} ms: ${latencies} / ${probes}`);
    assert.ok(span);
    // ~1.4 M words of random letters, a few tokens each; never more tokens than bytes.
    const prompt = Number(span.llm_token_count_prompt);
    assert.ok(prompt > 1_000_000 && prompt <= PROMPT_BYTES, `prompt tokens ${prompt}`);
    assert.ok(Number(span.llm_token_count_completion) > 0);
  });
});

/** The request spans matching `where`, once there is one (for at most 60 s). */
async function spans(url: string, where: string): Promise<Array<Record<string, unknown>>> {
  const sql = `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion' AND ${where}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${url}/api/default/_search?type=traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: { sql, start_time: 0, end_time: Date.now() * 1000 + 60e6 } }),
    });
    // Until the first such span, a column may not exist yet and the search answers an error.
    const hits = ((await res.json()) as { hits?: Array<Record<string, unknown>> }).hits ?? [];
    if (hits.length > 0) return hits;
    if (Date.now() > deadline) throw new Error(`no span where ${where}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
