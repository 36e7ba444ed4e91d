/**
 * Masks secrets in text that leaves the gateway (error messages to clients, spans and logs): upstreams
 * echo the key they were sent ("Incorrect API key provided: sk-…"), which is ours, not the client's, and
 * clients put keys in places that get recorded (`metadata.api_key`, an `authorization` field).
 */

/**
 * Key shapes of the providers and platforms a gateway meets: OpenAI-style `sk-`/`pk-`/`rk-` (Anthropic's
 * `sk-ant-`, OpenRouter's `sk-or-`), Google `AIza…`, Groq `gsk_`, xAI `xai-`, Perplexity `pplx-`,
 * Fireworks `fw_`, Hugging Face `hf_`, NVIDIA `nvapi-`, Cerebras `csk-`, GitHub `ghp_`/`github_pat_`,
 * Slack `xox?-`, AWS access key ids, and the token after `Bearer`.
 */
const KEY =
  /\b(?:(?:sk|pk|rk|xai|pplx|nvapi|csk)-[A-Za-z0-9_-]{8,}|(?:gsk|fw|hf|ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{8,}|xox[abpors]-[A-Za-z0-9-]{8,}|AIza[A-Za-z0-9_-]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16})|(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;

/** Keeps a key's first three and last four characters, as OpenAI's own messages show keys. */
export function redactKeys(text: string): string {
  return text.replace(KEY, (key) => `${key.slice(0, 3)}…${key.slice(-4)}`);
}

/**
 * Field names that hold credentials, wherever they are in a body (`metadata.api_key`, a nested
 * `authorization`): their values are never recorded.
 */
const CREDENTIAL_FIELD =
  /"((?:[a-z0-9_-]*[_-])?(?:api[_-]?key|apikey|authorization|auth[_-]?token|access[_-]?token|secret[a-z_-]*|client[_-]secret|password|passwd|aws[_-]secret[_-]access[_-]key|aws[_-]session[_-]token|x[_-]api[_-]key))"\s*:\s*"(?:[^"\\]|\\.)*"/gi;

/**
 * JSON text (a request body, metadata) with credential fields' values and key-shaped strings masked.
 * One pass of two expressions over text that is serialised anyway, so the request path pays little.
 */
export function redactJsonText(json: string): string {
  return redactKeys(json.replace(CREDENTIAL_FIELD, '"$1":"[redacted]"'));
}
