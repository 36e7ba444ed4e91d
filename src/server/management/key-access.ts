/**
 * Who may manage which keys, as in LiteLLM. The master key and proxy admins: every key. An internal
 * user's key: its user's own keys; a team's keys when the user is the team's admin; and, as a plain
 * member, what the team's `team_member_permissions` lists (`/key/info` and `/key/health` by default) —
 * except deleting, which needs ownership or the admin role.
 */
import type { FastifyRequest } from 'fastify';
import type { Entity } from '../../accounts/entity-table.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isAdmin, principalOf } from '../principal.ts';
import type { Management } from './context.ts';

/** Everyone's keys (undefined: the master key, proxy admins), or those the caller's user may touch. */
export type Owner = { userId: string | undefined } | undefined;

export type KeyAction = '/key/generate' | '/key/info' | '/key/update' | '/key/delete' | '/key/regenerate';

/** What a team member may always do with the team's keys (LiteLLM's default). */
const DEFAULT_MEMBER_PERMISSIONS = ['/key/info', '/key/health'];

export function ownerOf(request: FastifyRequest): Owner {
  const principal = principalOf(request);
  if (isAdmin(principal)) return undefined;
  const userId = principal?.key.user_id;
  return { userId: typeof userId === 'string' ? userId : undefined };
}

export function forbidden(message: string): GatewayError {
  return new GatewayError(message, { status: 403, type: 'auth_error', code: '403' });
}

function notPermitted(action: KeyAction, teamId: string): GatewayError {
  return new GatewayError(
    `Team member does not have permission to call ${action} for team ${teamId}. Ask a team admin to add it to team_member_permissions.`,
    { status: 401, type: 'team_member_permission_error', code: '401' },
  );
}

/** Refuses a key made over to a user other than the caller's. */
export function checkOwn(owner: Owner, userId: unknown): void {
  if (owner === undefined) return;
  if (owner.userId === undefined || userId !== owner.userId)
    throw forbidden(
      `User can only manage keys for themselves. Got user_id=${String(userId ?? null)}, your user_id=${String(owner.userId ?? null)}`,
    );
}

/** The caller's role in a team, and what the team lets members do; undefined when not a member. */
async function membership(
  m: Management,
  teamId: string,
  userId: string,
): Promise<{ admin: boolean; permissions: string[] } | undefined> {
  const team = await m.accounts.tables.teams.get(m.accounts.db, teamId);
  const members = Array.isArray(team?.members_with_roles) ? team.members_with_roles : [];
  const member = members.find((x) => (x as { user_id?: unknown })?.user_id === userId) as
    | { role?: unknown }
    | undefined;
  if (team === undefined || member === undefined) return undefined;
  const listed = team.team_member_permissions;
  // The defaults always hold; the team's list adds to them.
  const permissions = [
    ...DEFAULT_MEMBER_PERMISSIONS,
    ...(Array.isArray(listed) ? listed.filter((p): p is string => typeof p === 'string') : []),
  ];
  return { admin: member.role === 'admin', permissions };
}

/** Throws unless the caller may do `action` with `key` (an existing key). */
export async function checkKeyAccess(
  m: Management,
  owner: Owner,
  key: Entity,
  action: KeyAction,
): Promise<void> {
  if (owner === undefined) return;
  if (owner.userId !== undefined && key.user_id === owner.userId) return;
  await checkTeamAccess(m, owner, key.team_id, action);
}

/**
 * For a key of team `teamId` (an existing one, or one to be made or moved there): the team's admin may,
 * a member may what the team permits (never delete another's key), anyone else may not.
 */
export async function checkTeamAccess(
  m: Management,
  owner: Owner,
  teamId: unknown,
  action: KeyAction,
): Promise<void> {
  if (owner === undefined) return;
  const role =
    typeof teamId === 'string' && owner.userId ? await membership(m, teamId, owner.userId) : undefined;
  if (role === undefined || typeof teamId !== 'string')
    throw forbidden(`You may manage only your own keys, or your team's as its admin (${action}).`);
  if (role.admin) return;
  if (action === '/key/delete') throw forbidden("Only the key's owner or a team admin may delete it.");
  if (!role.permissions.includes(action)) throw notPermitted(action, teamId);
}

/** Throws unless the caller is the master key, a proxy admin, or an admin of team `teamId`. */
export async function checkTeamAdmin(m: Management, owner: Owner, teamId: unknown): Promise<void> {
  if (owner === undefined) return;
  const role =
    typeof teamId === 'string' && owner.userId ? await membership(m, teamId, owner.userId) : undefined;
  if (role?.admin !== true)
    throw forbidden(
      'Only a proxy admin, or an admin of the team the model belongs to (model_info.team_id), may do this.',
    );
}
