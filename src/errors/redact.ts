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
 * Names that hold credentials, as JSON fields and as URL query parameters alike: the name itself or any
 * name ending in `_name` / `-name` (`metadata.api_key`, a nested `authorization`, `x-goog-api-key`).
 */
const CREDENTIAL_NAME =
  'api[_-]?key|apikey|authorization|auth[_-]?token|access[_-]?token|secret[a-z_-]*|client[_-]secret|password|passwd|aws[_-]secret[_-]access[_-]key|aws[_-]session[_-]token|x[_-]api[_-]key';

/** A credential field with its string value, wherever it is in a body: the value is never recorded. */
const CREDENTIAL_FIELD = new RegExp(
  `"((?:[a-z0-9_-]*[_-])?(?:${CREDENTIAL_NAME}))"\\s*:\\s*"(?:[^"\\\\]|\\\\.)*"`,
  'gi',
);

/**
 * JSON text (a request body, metadata) with credential fields' values and key-shaped strings masked.
 * One pass of two expressions over text that is serialised anyway, so the request path pays little.
 */
export function redactJsonText(json: string): string {
  return redactKeys(json.replace(CREDENTIAL_FIELD, '"$1":"[redacted]"'));
}

/**
 * In a URL, short names are credentials too, though in a JSON body they are not (an error's `code`):
 * Google's `?key=`, `?token=`, OAuth's `?code=`, signed URLs' `sig`/`signature` (Azure SAS, S3's
 * `X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`: every `X-Amz-` parameter).
 */
const URL_ONLY_NAME = 'key|token|auth|sig|signature|code|credential|x-amz-[a-z-]+';

/** `?name=value` or `&name=value` of a credential-named parameter; the value ends where the URL does. */
const CREDENTIAL_PARAM = new RegExp(
  `([?&;](?:[a-z0-9_.-]*[_.-])?(?:${CREDENTIAL_NAME}|${URL_ONLY_NAME})=)[^&#\\s"'<>\\\\]+`,
  'gi',
);

/** The password of `scheme://user:password@host`. */
const URL_PASSWORD = /(\/\/[^\s/?#@:"'<>\\]+:)[^\s/?#@"'<>\\]+@/g;

/**
 * Text with URLs in it (a log line, an error message) with credentials in those URLs masked: values of
 * credential-named query parameters and passwords before `@`. Where the URLs are is not known, so the
 * patterns look for query parameters anywhere: a stray `&token=` in prose loses its value too.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(CREDENTIAL_PARAM, '$1[redacted]').replace(URL_PASSWORD, '$1[redacted]@');
}

/**
 * A log line (JSON, as pino writes it): credential fields (headers such as `authorization`, `x-api-key`
 * and `api-key` among them), credentials in URLs and key-shaped strings anywhere, masked.
 */
export function redactLogLine(line: string): string {
  return redactJsonText(redactUrlCredentials(line));
}
