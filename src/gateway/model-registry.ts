/**
 * Model groups: the names clients ask for, each served by one or more deployments. A name is looked up
 * as a group, then as an alias, then against the wildcard groups (`openai/*`, `*`), most specific
 * pattern first, as LiteLLM's Router does.
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
  readonly #groups = new Map<string, Deployment[]>();
  readonly #aliases: Record<string, string>;
  readonly #patterns: Pattern[] = [];
  readonly #expanded = new Map<string, Target>();

  constructor(deployments: Deployment[], aliases: Record<string, string> = {}) {
    for (const d of deployments) {
      const group = this.#groups.get(d.modelName);
      if (group) group.push(d);
      else this.#groups.set(d.modelName, [d]);
    }
    this.#aliases = aliases;
    for (const [name, templates] of this.#groups) {
      if (!name.includes('*') || !templates.every((t) => t.expand)) continue;
      this.#patterns.push({ name, regex: patternRegex(name), templates });
    }
    // The most literal characters first: `openai/gpt-4*` before `openai/*` before `*`.
    const literal = (p: Pattern) => p.name.replaceAll('*', '').length;
    this.#patterns.sort((a, b) => literal(b) - literal(a));
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

  /** The configured deployments (wildcard entries as written, not their expansions). */
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
