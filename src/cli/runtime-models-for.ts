/**
 * Models added at run time: stored in the accounts database, built by config.yaml's rules from this
 * process's environment, priced, and handed to the registry; started (the table read) before serving.
 */
import type { Accounts } from '../accounts/accounts.ts';
import { RuntimeModels } from '../accounts/runtime-models.ts';
import { runtimeDeployment } from '../config/runtime-model.ts';
import type { Deployment } from '../config/types.ts';
import { loadPrices } from '../gateway/cost.ts';
import type { ModelRegistry } from '../gateway/model-registry.ts';

export async function runtimeModelsFor(
  accounts: Accounts,
  registry: ModelRegistry,
  warn: (message: string, err?: unknown) => void,
  pollMs?: number,
): Promise<RuntimeModels<Deployment>> {
  const models = new RuntimeModels({
    db: accounts.db,
    registry,
    build: (entry) => runtimeDeployment(entry, process.env),
    prepare: loadPrices,
    warn,
    pollMs,
  });
  await models.start();
  return models;
}
