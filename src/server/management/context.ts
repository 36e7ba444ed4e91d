/** What the management routes work with: the accounts database and the model groups. */
import type { Accounts } from '../../accounts/accounts.ts';
import type { RuntimeModels } from '../../accounts/runtime-models.ts';
import type { SpendWriter } from '../../accounts/spend.ts';
import type { Deployment } from '../../config/types.ts';
import type { ModelRegistry } from '../../gateway/model-registry.ts';

export interface Management {
  accounts: Accounts;
  spend: SpendWriter;
  registry: ModelRegistry;
  /** Models added at run time (`/model/new`); without, those routes answer 400. */
  models?: RuntimeModels<Deployment>;
  /** Who made a change (`created_by`, `updated_by`): LiteLLM writes the master key's user id. */
  adminId: string;
}

export const now = () => new Date().toISOString();
