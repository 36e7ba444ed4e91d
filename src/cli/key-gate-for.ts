/**
 * Builds the virtual-key gate: the accounts database (PostgreSQL when `database_url` is set, else
 * `accounts.db` beside the trace store, in memory beside an in-memory store), its limiter and spend
 * writer, and the model facts admission checks keys against.
 */

import { dirname, join, resolve } from 'node:path';
import { Accounts } from '../accounts/accounts.ts';
import { KeyGate } from '../accounts/key-gate.ts';
import { hashKey } from '../accounts/key-text.ts';
import { MemoryLimiter, SqlLimiter } from '../accounts/limits.ts';
import { SpendWriter } from '../accounts/spend.ts';
import { DEFAULT_TRACE_STORE } from '../config/trace-store.ts';
import type { GatewayConfig } from '../config/types.ts';
import { accessGroupsOf, type ModelRegistry, teamsOf } from '../gateway/model-registry.ts';
import { budgetAlertsFor } from './budget-alerts-for.ts';

/** `accounts.db` beside the trace store's file (or where it would be); in memory beside an in-memory store. */
export function accountsPath(storePath: string | undefined): string {
  if (storePath === ':memory:') return ':memory:';
  return join(dirname(storePath ?? resolve(process.cwd(), DEFAULT_TRACE_STORE)), 'accounts.db');
}

export async function keyGateFor(
  config: GatewayConfig,
  registry: ModelRegistry,
  sqlitePath: string,
  warn: (message: string, err?: unknown) => void,
): Promise<KeyGate> {
  const accounts = await Accounts.open({ databaseUrl: config.databaseUrl, sqlitePath, warn });
  // Limits are counted in the database, which other processes may share (replicas on PostgreSQL,
  // --num_workers or a second gateway on the SQLite file); only an in-memory database counts in memory.
  const shared = accounts.engine === 'postgres' || sqlitePath !== ':memory:';
  return new KeyGate({
    accounts,
    limiter: shared ? new SqlLimiter(accounts.db) : new MemoryLimiter(),
    spend: new SpendWriter(
      accounts,
      config.masterKey ? hashKey(config.masterKey) : '',
      warn,
      config.disableSpendLogs !== true,
    ),
    facts: (model) => {
      const target = registry.find(model);
      const deployments = target?.deployments ?? [];
      return {
        names: target && target.group !== model ? [model, target.group] : [model],
        accessGroups: accessGroupsOf(deployments),
        teams: teamsOf(deployments),
      };
    },
    warn,
    alerts: budgetAlertsFor(config.budgetWebhook, warn),
  });
}
