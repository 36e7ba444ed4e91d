/** The account tables, with the fields each mirrors into columns (see entity-table.ts). */
import { EntityTable } from './entity-table.ts';

export const TABLES = {
  keys: new EntityTable(
    'tg_keys',
    ['token'],
    ['key_alias', 'user_id', 'team_id', 'organization_id', 'budget_id'],
  ),
  users: new EntityTable('tg_users', ['user_id'], ['user_email']),
  teams: new EntityTable('tg_teams', ['team_id'], ['team_alias', 'organization_id']),
  organizations: new EntityTable(
    'tg_organizations',
    ['organization_id'],
    ['organization_alias', 'budget_id'],
  ),
  endUsers: new EntityTable('tg_end_users', ['user_id'], ['budget_id']),
  budgets: new EntityTable('tg_budgets', ['budget_id']),
  teamMembers: new EntityTable('tg_team_members', ['team_id', 'user_id']),
  orgMembers: new EntityTable('tg_org_members', ['organization_id', 'user_id']),
} as const;

export type TableName = keyof typeof TABLES;
