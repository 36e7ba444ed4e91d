/**
 * The LiteLLM-Proxy-to-OpenObserve quick start, in TypeScript and against Tollgate: an OpenInference-
 * instrumented `openai` client sends one chat completion through the gateway, and its span, the
 * gateway's `ChatCompletion` span and the upstream attempt span form one trace.
 *
 *   npm start                 # terminal 1: the gateway on :4000, traces kept in its own store
 *   npm run example           # terminal 2: this file; then open http://localhost:4000/ui/
 *
 * Settings come from the environment or a `.env` file: OPENOBSERVE_URL, OPENOBSERVE_ORG,
 * OPENOBSERVE_AUTH_TOKEN (for OpenObserve, or the gateway's own store at http://localhost:4000),
 * LITELLM_PROXY_URL (default http://localhost:4000), LITELLM_PROXY_API_KEY, and MODEL (default: the
 * gateway's first model — `gpt-4o-mini` with an OpenAI key, the offline `demo` model without one).
 */
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import OpenAI from 'openai';
import { openobserveInit } from 'tollgate/openobserve';

openobserveInit();
// An ES module import is not seen by require hooks, so the instrumentation patches the module it is given.
new OpenAIInstrumentation().manuallyInstrument(OpenAI);

const client = new OpenAI({
  apiKey: process.env.LITELLM_PROXY_API_KEY ?? 'not-needed',
  baseURL: process.env.LITELLM_PROXY_URL ?? 'http://localhost:4000',
});

const model = process.env.MODEL ?? (await client.models.list()).data[0]?.id ?? 'gpt-4o-mini';
const response = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Explain distributed tracing in one sentence.' }],
});
console.log(response.choices[0]?.message.content);
