/**
 * Reads a provider table backwards. The Anthropic provider owns the tables that map Anthropic's terms
 * to the gateway's (stop reasons, error types); the dialect answers in Anthropic's terms by inverting
 * them, so one table serves both directions and they cannot drift apart.
 */
export function invert<V extends string | number>(
  table: Readonly<Record<string, V>>,
): ReadonlyMap<V, string> {
  const out = new Map<V, string>();
  // The first key listed for a value is its canonical one (end_turn before stop_sequence for `stop`).
  for (const [key, value] of Object.entries(table)) if (!out.has(value)) out.set(value, key);
  return out;
}
