/**
 * Abuse: the debug log (`--detailed_debug`) never shows a key. Clients put keys in URLs
 * (`?api_key=`, `?key=`) and headers, and Fastify's request lines carry the URL as it was sent; the
 * gateway's own key for a Gemini deployment goes upstream in a header, and an upstream error that
 * echoes it is retried (a debug line) before the answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixtureJson } from './fixtures/gemini/fixtures.ts';
import { type FixtureUpstream, startFixtureUpstream } from './helpers/fixture-upstream.ts';
import { cleanEnv, type Server, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

const DEPLOYMENT_KEY = 'sk-test-gemini-deployment-0001';
const URL_KEY = 'sk-test-client-in-url-0002';
const GOOGLE_STYLE_KEY = 'opaque-google-style-value-0003';
const BEARER = 'sk-test-client-bearer-0004';
const HEADER_KEY = 'opaque-x-api-key-value-0005';
const SECRETS = [DEPLOYMENT_KEY, URL_KEY, GOOGLE_STYLE_KEY, BEARER, HEADER_KEY];
const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent';

describe('the debug log', () => {
  let upstream: FixtureUpstream;
  let server: Server;

  before(async () => {
    upstream = await startFixtureUpstream();
    const config = [
      'model_list:',
      '  - model_name: gemini-flash',
      '    litellm_params:',
      '      model: gemini/gemini-2.5-flash',
      `      api_base: ${upstream.url}`,
      `      api_key: ${DEPLOYMENT_KEY}`,
      'litellm_settings:',
      '  num_retries: 1',
      '',
    ].join('\n');
    server = await startCli(['--config', 'config.yaml', '--detailed_debug'], {
      cwd: tempDir({ 'config.yaml': config }),
      env: cleanEnv(),
    });
  });
  after(async () => {
    await server?.stop();
    await upstream?.close();
  });

  it('has the requests, and no key from URLs, headers or upstream errors', async () => {
    // The first call fails with an error that echoes the deployment's key; the retry succeeds.
    upstream.queue(
      GENERATE,
      {
        status: 503,
        json: { error: { code: 503, message: `overloaded (key ${DEPLOYMENT_KEY})`, status: 'UNAVAILABLE' } },
      },
      { json: fixtureJson('text.response.json') },
    );
    const res = await fetch(
      `${server.url}/v1/chat/completions?api_key=${URL_KEY}&key=${GOOGLE_STYLE_KEY}&trace=on`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${BEARER}`,
          'x-api-key': HEADER_KEY,
        },
        body: JSON.stringify({ model: 'gemini-flash', messages: [{ role: 'user', content: 'hi' }] }),
      },
    );
    assert.equal(res.status, 200);
    await res.text();
    // A URL the gateway does not serve is logged too.
    assert.equal((await fetch(`${server.url}/nowhere?token=${URL_KEY}`)).status, 404);
    assert.equal(upstream.received.length, 2, 'one retry');
    assert.ok(
      upstream.received.every((r) => !r.path.includes(DEPLOYMENT_KEY)),
      'the key goes upstream in a header, not the URL',
    );

    const log = await waitFor(server, /"retrying"[\s\S]*\/nowhere/);
    assert.match(log, /incoming request/);
    assert.match(log, /"msg":"retrying"/);
    for (const secret of SECRETS) assert.ok(!log.includes(secret), `${secret} is in the log:\n${log}`);
    assert.match(log, /\/v1\/chat\/completions\?api_key=\[redacted\]&key=\[redacted\]&trace=on/);
  });
});

/** The server's output once it matches `pattern` (log lines are written asynchronously). */
async function waitFor(server: Server, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 5000;
  while (!pattern.test(server.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return server.output();
}
