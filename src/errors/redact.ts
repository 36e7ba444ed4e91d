/**
 * Masks API keys in text that leaves the gateway (error messages to clients, spans and logs): upstreams
 * echo the key they were sent ("Incorrect API key provided: sk-…"), which is ours, not the client's.
 */

/** OpenAI-style `sk-`/`pk-`/`rk-` keys (Anthropic's `sk-ant-` too) and Google's `AIza…` keys. */
const KEY = /\b(?:(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}|AIza[A-Za-z0-9_-]{20,})/g;

/** Keeps a key's first three and last four characters, as OpenAI's own messages show keys. */
export function redactKeys(text: string): string {
  return text.replace(KEY, (key) => `${key.slice(0, 3)}…${key.slice(-4)}`);
}
