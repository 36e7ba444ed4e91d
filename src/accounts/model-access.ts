/**
 * Whether a key, team, user or organization may use a model: LiteLLM's rules. An empty list allows
 * every model, as do `*` and `all-proxy-models`; otherwise the model (or the group it resolves to) is
 * named, matched by a wildcard entry (`openai/*`), or belongs to a named access group
 * (`model_info.access_groups` of its deployments).
 */

export interface ModelFacts {
  /** The name asked for, and the group it resolved to (they differ for an alias). */
  names: readonly string[];
  /** The access groups of the group's deployments. */
  accessGroups: readonly string[];
  /**
   * The teams the group's deployments belong to (`model_info.team_id`, a team admin's model): only
   * those teams' keys may use it. Empty for everyone's models.
   */
  teams?: readonly string[];
}

const EVERYTHING = new Set(['*', 'all-proxy-models']);

export function modelsOf(entity: { models?: unknown } | undefined): string[] {
  const models = entity?.models;
  return Array.isArray(models) ? models.filter((m): m is string => typeof m === 'string') : [];
}

export function allows(allowed: readonly string[], model: ModelFacts): boolean {
  if (allowed.length === 0) return true;
  for (const entry of allowed) {
    if (EVERYTHING.has(entry)) return true;
    if (model.names.includes(entry) || model.accessGroups.includes(entry)) return true;
    if (entry.includes('*') && model.names.some((name) => wildcard(entry).test(name))) return true;
  }
  return false;
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`);
}
