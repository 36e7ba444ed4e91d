/** What the management routes work with: the accounts database and the model groups. */
import type { Accounts } from '../../accounts/accounts.ts';
import type { SpendWriter } from '../../accounts/spend.ts';
import type { ModelRegistry } from '../../gateway/model-registry.ts';

export interface Management {
  accounts: Accounts;
  spend: SpendWriter;
  registry: ModelRegistry;
  /** Who made a change (`created_by`, `updated_by`): LiteLLM writes the master key's user id. */
  adminId: string;
}

export const now = () => new Date().toISOString();
