/** Calls to the management API (LiteLLM's shapes) for the virtual-key tests. */
export const MASTER = 'sk-test-master';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function call(
  url: string,
  path: string,
  body?: unknown,
  key = MASTER,
  method = body === undefined ? 'GET' : 'POST',
): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** A chat call with `key`, answered however the gateway answers it. */
export function chat(
  url: string,
  key: string,
  model: string,
  extra: Record<string, unknown> = {},
): Promise<Answer> {
  return call(
    url,
    '/v1/chat/completions',
    { model, messages: [{ role: 'user', content: 'hi' }], ...extra },
    key,
  );
}

/** Makes a key; returns the key itself and its token. */
export async function newKey(
  url: string,
  fields: Record<string, unknown> = {},
): Promise<{ key: string; token: string }> {
  const answer = await call(url, '/key/generate', fields);
  if (answer.status !== 200) throw new Error(`key/generate: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { key: String(answer.body.key), token: String(answer.body.token) };
}

/** The `error` object of an OpenAI-shaped error answer. */
export function errorOf(answer: Answer): { type?: string; message?: string; code?: string } {
  return (answer.body.error ?? {}) as { type?: string; message?: string; code?: string };
}
