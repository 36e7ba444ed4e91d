/**
 * Model groups: the names clients ask for, each served by one or more deployments. A name is looked up
 * as a group, then as an alias, then against the wildcard groups (`openai/*`, `*`), most specific
 * pattern first, as LiteLLM's Router does. Deployments come from config.yaml (fixed for the process's
 * life) and from models added at run time (`/model/new`), which `setDynamic` replaces as a whole; a
 * dynamic deployment with a configured group's name joins that group.
 */
import type { Deployment } from '../config/types.ts';
import { badRequest, GatewayError } from '../errors/gateway-error.ts';

export interface Target {
  group: string;
  deployments: Deployment[];
}

interface Pattern {
  name: string;
  regex: RegExp;
  templates: Deployment[];
}

/** Concrete names served through wildcards, remembered so each keeps its deployments (and their ids). */
const MAX_EXPANDED = 10_000;

export class ModelRegistry {
  readonly #static: Deployment[];
  #dynamic: Deployment[] = [];
  #groups = new Map<string, Deployment[]>();
  readonly #aliases: Record<string, string>;
  #patterns: Pattern[] = [];
  readonly #expanded = new Map<string, Target>();

  constructor(deployments: Deployment[], aliases: Record<string, string> = {}) {
    this.#static = [...deployments];
    this.#aliases = aliases;
    this.#index();
  }

  /**
   * Replaces the deployments added at run time (the whole set: what the database holds now). Requests
   * resolve against the new set from the next lookup on; ones already routed keep their deployment.
   */
  setDynamic(deployments: Deployment[]): void {
    this.#dynamic = [...deployments];
    this.#index();
  }

  /** A deployment by id, configured or added at run time. */
  byId(id: string): Deployment | undefined {
    return this.#static.find((d) => d.id === id) ?? this.#dynamic.find((d) => d.id === id);
  }

  /** Whether the deployment with this id was added at run time (LiteLLM's `db_model`). */
  isDynamic(id: string): boolean {
    return this.#dynamic.some((d) => d.id === id);
  }

  /** Builds the lookup tables anew and swaps them in whole, so a lookup never sees half of a change. */
  #index(): void {
    const groups = new Map<string, Deployment[]>();
    for (const d of [...this.#static, ...this.#dynamic]) {
      const group = groups.get(d.modelName);
      if (group) group.push(d);
      else groups.set(d.modelName, [d]);
    }
    const patterns: Pattern[] = [];
    for (const [name, templates] of groups) {
      if (!name.includes('*') || !templates.every((t) => t.expand)) continue;
      patterns.push({ name, regex: patternRegex(name), templates });
    }
    // The most literal characters first: `openai/gpt-4*` before `openai/*` before `*`.
    const literal = (p: Pattern) => p.name.replaceAll('*', '').length;
    patterns.sort((a, b) => literal(b) - literal(a));
    this.#groups = groups;
    this.#patterns = patterns;
    // Names served through wildcards are matched again against the new patterns.
    this.#expanded.clear();
  }

  /** Every name a client may send, in configuration order (wildcard groups as their pattern). */
  names(): string[] {
    return [...this.#groups.keys(), ...Object.keys(this.#aliases)];
  }

  /**
   * The group for a name (aliases followed, wildcards matched), or undefined. A name a wildcard matches
   * but cannot serve (an unsupported provider under `*`) is a 400 saying why.
   */
  find(model: string): Target | undefined {
    const group = this.#groups.has(model) ? model : this.#aliases[model];
    const deployments = group === undefined ? undefined : this.#groups.get(group);
    if (group !== undefined && deployments) return { group, deployments };
    return this.#expanded.get(model) ?? this.#wildcard(model);
  }

  /** Like `find`, but an unknown name is a 404 that lists what is available. */
  resolve(model: string): Target {
    const found = this.find(model);
    if (found) return found;
    const names = this.names();
    const list = names.length > 0 ? names.join(', ') : 'none are configured';
    return throwUnknown(model, list);
  }

  /** The deployments, configured then added at run time (wildcard entries as written, not their expansions). */
  deployments(): Deployment[] {
    return [...this.#groups.values()].flat();
  }

  #wildcard(model: string): Target | undefined {
    for (const pattern of this.#patterns) {
      const match = pattern.regex.exec(model);
      if (!match) continue;
      const deployments = pattern.templates.map((t) => {
        const d = t.expand?.(match.slice(1)) ?? t;
        if (typeof d === 'string')
          throw badRequest(
            `The model \`${model}\` matches \`${pattern.name}\` but cannot be served: ${d}`,
            'model',
            'model_not_supported',
          );
        return d;
      });
      // The client's name is the group: headers, spans and fallbacks speak of what it asked for.
      const target = { group: model, deployments };
      if (this.#expanded.size >= MAX_EXPANDED) this.#expanded.clear();
      this.#expanded.set(model, target);
      return target;
    }
    return undefined;
  }
}

/** `openai/*` → /^openai\/(.+)$/: each `*` captures at least one character. */
function patternRegex(name: string): RegExp {
  const parts = name.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('(.+)')}$`, 's');
}

function throwUnknown(model: string, list: string): never {
  throw new GatewayError(`The model \`${model}\` does not exist on this gateway. Available models: ${list}`, {
    status: 404,
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  });
}

/** The teams the deployments belong to (`model_info.team_id`: a team's own model), each once. */
export function teamsOf(deployments: readonly Deployment[]): string[] {
  const teams = new Set<string>();
  for (const d of deployments) if (typeof d.modelInfo.team_id === 'string') teams.add(d.modelInfo.team_id);
  return [...teams];
}

/** The access groups (`model_info.access_groups`) the deployments name, each once, in their order. */
export function accessGroupsOf(deployments: readonly Deployment[]): string[] {
  const groups = new Set<string>();
  for (const d of deployments) {
    const named = d.modelInfo.access_groups;
    if (Array.isArray(named)) for (const g of named) if (typeof g === 'string') groups.add(g);
  }
  return [...groups];
}
