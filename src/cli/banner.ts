/** The start-up banner: where the gateway listens, which models it serves, and how to call it. */
import type { GatewayConfig } from '../config/types.ts';

/** The URL a local client uses to reach the gateway. */
export function baseUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

export function banner(config: GatewayConfig, version: string, port: number): string {
  const base = baseUrl(config.host, port);
  const lines = [`Tollgate ${version} is listening on http://${config.host}:${port}`, '', 'Models:'];
  const width = Math.max(...config.deployments.map((d) => d.modelName.length), 4);
  for (const d of config.deployments) {
    const where =
      d.provider === 'mock'
        ? 'built-in demo model, answers offline'
        : (d.apiBase ?? 'provider default api_base');
    lines.push(`  ${d.modelName.padEnd(width)}  → ${d.litellmModel} (${where})`);
  }
  for (const [alias, group] of Object.entries(config.aliases))
    lines.push(`  ${alias.padEnd(width)}  → alias of ${group}`);
  if (config.source.defaultModel === 'demo') {
    lines.push(
      '',
      'No provider key found: serving the built-in `demo` model. Set OPENAI_API_KEY or pass --model / --config.',
    );
  }
  const first = config.deployments[0]?.modelName ?? Object.keys(config.aliases)[0] ?? 'demo';
  const auth = config.masterKey ? ` -H 'Authorization: Bearer <master key>'` : '';
  lines.push(
    '',
    'Try it:',
    `  curl ${base}/v1/chat/completions${auth} -H 'content-type: application/json' \\`,
    `    -d '{"model":"${first}","messages":[{"role":"user","content":"Hello!"}]}'`,
    `  OpenAI SDKs: base URL ${base}/v1`,
    '',
    config.masterKey
      ? 'Auth: master key required (Authorization: Bearer <key> or x-api-key).'
      : 'Auth: no master key is set, so every caller is let in (web pages of other sites are not). Set general_settings.master_key or LITELLM_MASTER_KEY to require one.',
  );
  if (config.numWorkers > 1)
    lines.push(
      `Workers: ${config.numWorkers} processes share the port${config.redis ? ' and their routing state (Redis)' : '; each keeps its own routing state (set router_settings.redis_host to share it)'}.`,
    );
  return lines.join('\n');
}
