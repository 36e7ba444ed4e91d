/**
 * Writes LiteLLM's metrics' numbers as Prometheus' Python client does, which LiteLLM uses: floats always
 * with a fraction (`1.0`, `le="1.0"`), where prom-client writes `1`. Prometheus reads both alike; scripts
 * and tests written against LiteLLM's `/metrics` (LiteLLM's own among them) match the text. Only lines of
 * `litellm_` metrics change; Node's process metrics stay as prom-client writes them.
 */

/** A sample line's value, or an `le` label's, as a Python float. */
export function pythonFloat(text: string): string {
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

export function litellmExposition(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith('litellm_')) continue;
    const space = line.lastIndexOf(' ');
    if (space < 0) continue;
    const head = line
      .slice(0, space)
      .replace(/([{,]le=")(-?\d+)(")/, (_m, a: string, n: string, b: string) => `${a}${n}.0${b}`);
    lines[i] = `${head} ${pythonFloat(line.slice(space + 1))}`;
  }
  return lines.join('\n');
}
