/**
 * The LiteLLM tables the import reads (LiteLLM's Prisma schema, v1.81) and the columns it takes from
 * each. Only the columns that exist are read: older LiteLLM versions lack some (`policies`,
 * `access_group_ids`, rotation fields, …) and whatever is missing is simply not carried over.
 */

export interface LitellmTable {
  /** The table's name, as Prisma created it (quoted: it is mixed case). */
  name: string;
  /** Its primary key, in the order pages are read. */
  ids: readonly string[];
  /** The columns read when present. */
  columns: readonly string[];
}

const BUDGET_COLUMNS = [
  'max_budget',
  'soft_budget',
  'max_parallel_requests',
  'tpm_limit',
  'rpm_limit',
  'model_max_budget',
  'budget_duration',
  'budget_reset_at',
] as const;

const WHO = ['created_at', 'created_by', 'updated_at', 'updated_by'] as const;

export const LITELLM_TABLES = {
  budgets: {
    name: 'LiteLLM_BudgetTable',
    ids: ['budget_id'],
    columns: ['budget_id', ...BUDGET_COLUMNS, ...WHO],
  },
  organizations: {
    name: 'LiteLLM_OrganizationTable',
    ids: ['organization_id'],
    columns: [
      'organization_id',
      'organization_alias',
      'budget_id',
      'metadata',
      'models',
      'spend',
      'model_spend',
      'object_permission_id',
      ...WHO,
    ],
  },
  users: {
    name: 'LiteLLM_UserTable',
    ids: ['user_id'],
    // `password` (the UI login's hash) is deliberately not read: Tollgate has no use for it.
    columns: [
      'user_id',
      'user_alias',
      'team_id',
      'sso_user_id',
      'organization_id',
      'object_permission_id',
      'teams',
      'user_role',
      'max_budget',
      'spend',
      'user_email',
      'models',
      'metadata',
      'max_parallel_requests',
      'tpm_limit',
      'rpm_limit',
      'budget_duration',
      'budget_reset_at',
      'allowed_cache_controls',
      'policies',
      'model_spend',
      'model_max_budget',
      'created_at',
      'updated_at',
    ],
  },
  teams: {
    name: 'LiteLLM_TeamTable',
    ids: ['team_id'],
    columns: [
      'team_id',
      'team_alias',
      'organization_id',
      'object_permission_id',
      'admins',
      'members',
      'members_with_roles',
      'metadata',
      'max_budget',
      'soft_budget',
      'spend',
      'models',
      'max_parallel_requests',
      'tpm_limit',
      'rpm_limit',
      'budget_duration',
      'budget_reset_at',
      'blocked',
      'created_at',
      'updated_at',
      'model_spend',
      'model_max_budget',
      'router_settings',
      'team_member_permissions',
      'access_group_ids',
      'policies',
      'model_id',
      'allow_team_guardrail_config',
    ],
  },
  /** Team-level model aliases: a team's `model_id` points at a row here. */
  modelAliases: {
    name: 'LiteLLM_ModelTable',
    ids: ['id'],
    columns: ['id', 'model_aliases'],
  },
  teamMembers: {
    name: 'LiteLLM_TeamMembership',
    // LiteLLM's primary key order, so that each page is read off its index.
    ids: ['user_id', 'team_id'],
    columns: ['team_id', 'user_id', 'spend', 'budget_id'],
  },
  orgMembers: {
    name: 'LiteLLM_OrganizationMembership',
    ids: ['user_id', 'organization_id'],
    columns: ['organization_id', 'user_id', 'user_role', 'spend', 'budget_id', 'created_at', 'updated_at'],
  },
  endUsers: {
    name: 'LiteLLM_EndUserTable',
    ids: ['user_id'],
    columns: ['user_id', 'alias', 'spend', 'allowed_model_region', 'default_model', 'budget_id', 'blocked'],
  },
  keys: {
    name: 'LiteLLM_VerificationToken',
    ids: ['token'],
    columns: [
      'token',
      'key_name',
      'key_alias',
      'soft_budget_cooldown',
      'spend',
      'expires',
      'models',
      'aliases',
      'config',
      'router_settings',
      'user_id',
      'team_id',
      'permissions',
      'max_parallel_requests',
      'metadata',
      'blocked',
      'tpm_limit',
      'rpm_limit',
      'max_budget',
      'budget_duration',
      'budget_reset_at',
      'allowed_cache_controls',
      'allowed_routes',
      'policies',
      'access_group_ids',
      'model_spend',
      'model_max_budget',
      'budget_id',
      'organization_id',
      'object_permission_id',
      ...WHO,
      'rotation_count',
      'auto_rotate',
      'rotation_interval',
      'last_rotation_at',
      'key_rotation_at',
    ],
  },
  /** Models added at run time: counted and reported, not imported (see import-litellm.ts). */
  models: {
    name: 'LiteLLM_ProxyModelTable',
    ids: ['model_id'],
    columns: ['model_id'],
  },
} as const satisfies Record<string, LitellmTable>;
