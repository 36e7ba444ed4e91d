/** Model groups: the names clients ask for, each served by one or more deployments. */
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../errors/gateway-error.ts';

export class ModelRegistry {
  readonly #groups = new Map<string, Deployment[]>();
  readonly #aliases: Record<string, string>;

  constructor(deployments: Deployment[], aliases: Record<string, string> = {}) {
    for (const d of deployments) {
      const group = this.#groups.get(d.modelName);
      if (group) group.push(d);
      else this.#groups.set(d.modelName, [d]);
    }
    this.#aliases = aliases;
  }

  /** Every name a client may send, in configuration order. */
  names(): string[] {
    return [...this.#groups.keys(), ...Object.keys(this.#aliases)];
  }

  /** The group for a name (aliases followed), or undefined. */
  find(model: string): { group: string; deployments: Deployment[] } | undefined {
    const group = this.#groups.has(model) ? model : this.#aliases[model];
    const deployments = group === undefined ? undefined : this.#groups.get(group);
    return group !== undefined && deployments ? { group, deployments } : undefined;
  }

  /** Like `find`, but an unknown name is a 404 that lists what is available. */
  resolve(model: string): { group: string; deployments: Deployment[] } {
    const found = this.find(model);
    if (found) return found;
    const names = this.names();
    const list = names.length > 0 ? names.join(', ') : 'none are configured';
    return throwUnknown(model, list);
  }

  deployments(): Deployment[] {
    return [...this.#groups.values()].flat();
  }
}

function throwUnknown(model: string, list: string): never {
  throw new GatewayError(`The model \`${model}\` does not exist on this gateway. Available models: ${list}`, {
    status: 404,
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  });
}
