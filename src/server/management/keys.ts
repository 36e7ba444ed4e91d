/**
 * LiteLLM's key management: `/key/generate`, `/key/update`, `/key/delete`, `/key/info`, `/key/list`,
 * `/key/regenerate`, `/key/block`, `/key/unblock`, `/key/health`. A key is stored as its sha256 (the
 * `token`); the key itself is in the answer to generate and regenerate only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addDuration } from '../../accounts/durations.ts';
import type { Entity } from '../../accounts/entity-table.ts';
import { hashKey, keyName, newKey, tokenOf } from '../../accounts/key-text.ts';
import type { JsonObject } from '../../shared/json.ts';
import { INTERNAL_USERS, isAdmin, isInternalUser, KEYS, principalOf } from '../principal.ts';
import { type Management, now } from './context.ts';
import {
  badInput,
  bodyObject,
  clearedFields,
  invalid,
  notFound,
  queryInt,
  queryText,
  readFields,
} from './fields.ts';
import { checkKeyAccess, checkOwn, checkTeamAccess, forbidden, type Owner, ownerOf } from './key-access.ts';
import { KEY_DEFAULTS, KEY_FIELDS } from './key-fields.ts';

export function registerKeyRoutes(app: FastifyInstance, m: Management): void {
  app.post('/key/generate', INTERNAL_USERS, async (request) =>
    generate(m, bodyObject(request.body), ownerOf(request)),
  );
  app.post('/key/update', INTERNAL_USERS, async (request) =>
    update(m, bodyObject(request.body), ownerOf(request)),
  );
  app.post('/key/delete', INTERNAL_USERS, async (request) =>
    remove(m, bodyObject(request.body), ownerOf(request)),
  );
  app.get('/key/info', KEYS, async (request) => info(m, request));
  app.get('/key/list', INTERNAL_USERS, async (request) => list(m, request.query, ownerOf(request)));
  app.post('/key/regenerate', INTERNAL_USERS, async (request) =>
    regenerate(m, bodyObject(request.body), undefined, ownerOf(request)),
  );
  app.post('/key/:key/regenerate', INTERNAL_USERS, async (request) =>
    regenerate(m, bodyObject(request.body), (request.params as { key: string }).key, ownerOf(request)),
  );
  app.post('/key/block', async (request) => setBlocked(m, bodyObject(request.body), true));
  app.post('/key/unblock', async (request) => setBlocked(m, bodyObject(request.body), false));
  app.post('/key/health', KEYS, async (request) => keyHealth(principalOf(request)?.key));
}

/**
 * LiteLLM's `/key/health` for the calling key. Its per-key logging callbacks (`metadata.logging`: a GCS
 * bucket, Langfuse, …) are not run here — every request is traced to the trace store and OpenObserve
 * instead — so a key that names some is told so, as LiteLLM reports a callback that cannot work.
 */
function keyHealth(key: Entity | undefined): JsonObject {
  const logging = (key?.metadata as { logging?: unknown } | undefined)?.logging;
  const names = Array.isArray(logging)
    ? logging
        .map((c) => (c as { callback_name?: unknown } | null)?.callback_name)
        .filter((n) => typeof n === 'string')
    : [];
  if (names.length === 0) return { key: 'healthy', logging_callbacks: null };
  return {
    key: 'healthy',
    logging_callbacks: {
      callbacks: names,
      status: 'unhealthy',
      details: `Tollgate does not run per-key logging callbacks (${names.join(', ')}): every request is traced to its trace store and OpenObserve instead.`,
    },
  };
}

async function generate(m: Management, body: JsonObject, owner: Owner): Promise<JsonObject> {
  const fields = readFields(body, KEY_FIELDS);
  if (owner !== undefined) {
    fields.user_id ??= owner.userId ?? null;
    checkOwn(owner, fields.user_id);
    if (fields.team_id !== undefined) await checkTeamAccess(m, owner, fields.team_id, '/key/generate');
  }
  const custom = body.key;
  if (custom !== undefined && custom !== null && (typeof custom !== 'string' || !custom.startsWith('sk-')))
    throw invalid('key: a key of your own must be a string starting with "sk-"');
  const key = typeof custom === 'string' ? custom : newKey();
  const entity = await newKeyEntity(m, fields, key);
  if (!(await m.accounts.tables.keys.insert(m.accounts.db, entity)))
    throw badInput('A key with this value already exists.');
  await m.accounts.changed();
  return keyAnswer(entity, key);
}

/** A new key's row: defaults, its expiry and first budget period, its user made when new. */
async function newKeyEntity(m: Management, fields: JsonObject, key: string): Promise<Entity> {
  const { accounts } = m;
  const t = accounts.tables;
  await checkAliasFree(m, fields.key_alias, undefined);
  if (typeof fields.team_id === 'string' && (await t.teams.get(accounts.db, fields.team_id)) === undefined)
    throw badInput(`Team id=${fields.team_id} does not exist. Create it with /team/new first.`);
  const created = new Date();
  const { duration, ...rest } = fields;
  const entity: Entity = {
    ...KEY_DEFAULTS,
    ...rest,
    token: hashKey(key),
    key_name: keyName(key),
    spend: typeof fields.spend === 'number' ? fields.spend : 0,
    expires: typeof duration === 'string' ? (addDuration(created, duration)?.toISOString() ?? null) : null,
    budget_reset_at:
      typeof fields.budget_duration === 'string'
        ? (addDuration(created, fields.budget_duration)?.toISOString() ?? null)
        : null,
    created_by: m.adminId,
    updated_by: m.adminId,
    created_at: created.toISOString(),
    updated_at: created.toISOString(),
  };
  if (entity.organization_id === null && typeof fields.team_id === 'string') {
    const team = await t.teams.get(accounts.db, fields.team_id);
    if (typeof team?.organization_id === 'string') entity.organization_id = team.organization_id;
  }
  return entity;
}

async function checkAliasFree(m: Management, alias: unknown, token: string | undefined): Promise<void> {
  if (typeof alias !== 'string') return;
  const taken = await m.accounts.tables.keys.find(m.accounts.db, 'key_alias = $1', [alias], { limit: 1 });
  if (taken[0] !== undefined && taken[0].token !== token)
    throw badInput(`Unique key aliases across all keys are required. Key alias "${alias}" is taken.`);
}

/** What generate and regenerate answer: the key (once), its token, and every stored field. */
function keyAnswer(entity: Entity, key: string): JsonObject {
  return { ...entity, key, token_id: entity.token, litellm_budget_table: null };
}

async function update(m: Management, body: JsonObject, owner: Owner): Promise<JsonObject> {
  const existing = await keyNamed(m, body.key);
  const fields = readFields(body, KEY_FIELDS);
  await checkKeyAccess(m, owner, existing, '/key/update');
  if (fields.user_id !== undefined && fields.user_id !== existing.user_id) checkOwn(owner, fields.user_id);
  // Moving a key into another team needs the same right in that team.
  if (fields.team_id !== undefined && fields.team_id !== existing.team_id)
    await checkTeamAccess(m, owner, fields.team_id, '/key/update');
  await checkAliasFree(m, fields.key_alias, String(existing.token));
  const { duration, spend, ...rest } = fields;
  const cleared = clearedFields(body, KEY_FIELDS, ['spend', 'duration', 'user_id']);
  const changed: Entity = { ...existing, ...cleared, ...rest, updated_by: m.adminId };
  if (cleared.budget_duration === null) changed.budget_reset_at = null;
  if (typeof duration === 'string')
    changed.expires = addDuration(new Date(), duration)?.toISOString() ?? null;
  if (typeof fields.budget_duration === 'string' && fields.budget_duration !== existing.budget_duration)
    changed.budget_reset_at = addDuration(new Date(), fields.budget_duration)?.toISOString() ?? null;
  const { tables, db } = m.accounts;
  await db.transaction(async (tx) => {
    await tables.keys.replace(tx, changed);
    // Setting spend is an admin's correction (LiteLLM allows it): written as given, not added.
    if (typeof spend === 'number')
      await tx.run('UPDATE tg_keys SET spend = $1 WHERE token = $2', [spend, String(existing.token)]);
  });
  await m.accounts.changed();
  const stored = await tables.keys.get(db, String(existing.token));
  return { ...stored, key: stored?.token };
}

async function remove(m: Management, body: JsonObject, owner: Owner): Promise<JsonObject> {
  const keys = Array.isArray(body.keys) ? body.keys : [];
  const aliases = Array.isArray(body.key_aliases) ? body.key_aliases : [];
  if (keys.length === 0 && aliases.length === 0)
    throw invalid('keys: give the keys (or key_aliases) to delete');
  if (![...keys, ...aliases].every((k) => typeof k === 'string'))
    throw invalid('keys: must be a list of strings');
  const { tables, db } = m.accounts;
  const tokens = (keys as string[]).map(tokenOf);
  for (const alias of aliases as string[]) {
    const found = await tables.keys.find(db, 'key_alias = $1', [alias], { limit: 1 });
    if (found[0] === undefined) throw notFound(`Key alias "${alias}" not found.`);
    tokens.push(String(found[0].token));
  }
  const missing: string[] = [];
  for (const token of tokens) {
    const found = await tables.keys.get(db, token);
    if (found === undefined) missing.push(token);
    else await checkKeyAccess(m, owner, found, '/key/delete');
  }
  if (missing.length > 0)
    throw notFound(
      `Failed to delete all keys. Keys not found: ${missing.map((t) => t.slice(0, 8)).join(', ')}`,
    );
  await db.transaction(async (tx) => {
    for (const token of tokens) await tables.keys.delete(tx, token);
  });
  await m.accounts.changed();
  return { deleted_keys: keys.length > 0 ? keys : tokens };
}

async function info(m: Management, request: FastifyRequest): Promise<JsonObject> {
  const asked = queryText(request.query, 'key');
  const principal = principalOf(request);
  // A virtual key may read about itself only (asking without `key` means itself).
  const token = asked === undefined ? principal?.token : tokenOf(asked);
  if (token === undefined) throw invalid('key: give the key to describe (?key=…)');
  const entity = await m.accounts.tables.keys.get(m.accounts.db, token);
  // Unknown first (LiteLLM's 404): a token is a sha256, so this tells a caller nothing it could use.
  if (entity === undefined) throw notFound(`Key not found: ${token.slice(0, 8)}…`);
  // A key may read itself; an internal user's key, what its user may manage (its own keys, its teams').
  if (token !== principal?.token) {
    if (!isAdmin(principal) && !isInternalUser(principal))
      throw forbidden("You are not allowed to read this key's info.");
    await checkKeyAccess(m, ownerOf(request), entity, '/key/info');
  }
  return { key: token, info: await withModelSpend(m, entity) };
}

async function withModelSpend(m: Management, entity: Entity): Promise<Entity> {
  const rows = await m.accounts.db.query<{ model: string; spend: number }>(
    "SELECT model, spend FROM tg_model_spend WHERE kind = 'key' AND id = $1",
    [String(entity.token)],
  );
  return { ...entity, model_spend: Object.fromEntries(rows.map((r) => [r.model, r.spend])) };
}

async function list(m: Management, query: unknown, owner: Owner): Promise<JsonObject> {
  const page = queryInt(query, 'page', 1, 1_000_000);
  const size = queryInt(query, 'size', 10, 100);
  const where: string[] = [];
  const params: string[] = [];
  if (owner !== undefined) {
    // An internal user lists its own keys only, whatever the query asks.
    params.push(owner.userId ?? '');
    where.push(`user_id = $${params.length}`);
  }
  for (const column of ['user_id', 'team_id', 'organization_id', 'key_alias']) {
    const value = queryText(query, column);
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  const clause = where.length > 0 ? where.join(' AND ') : '1 = 1';
  const { tables, db } = m.accounts;
  const total = await tables.keys.count(db, clause, params);
  const keys = await tables.keys.find(db, clause, params, { limit: size, offset: (page - 1) * size });
  const full = queryText(query, 'return_full_object') === 'true';
  return {
    keys: full ? keys : keys.map((k) => k.token),
    total_count: total,
    current_page: page,
    total_pages: Math.ceil(total / size),
  };
}

async function regenerate(
  m: Management,
  body: JsonObject,
  fromPath: string | undefined,
  owner: Owner,
): Promise<JsonObject> {
  const existing = await keyNamed(m, fromPath ?? body.key);
  await checkKeyAccess(m, owner, existing, '/key/regenerate');
  const fields = readFields(body, KEY_FIELDS);
  const newValue = body.new_key;
  if (
    newValue !== undefined &&
    newValue !== null &&
    (typeof newValue !== 'string' || !newValue.startsWith('sk-'))
  )
    throw invalid('new_key: must be a string starting with "sk-"');
  const key = typeof newValue === 'string' ? newValue : newKey();
  const { duration, ...rest } = fields;
  const entity: Entity = {
    ...existing,
    ...rest,
    token: hashKey(key),
    key_name: keyName(key),
    updated_by: m.adminId,
    rotation_count: Number(existing.rotation_count ?? 0) + 1,
    last_rotation_at: now(),
  };
  if (typeof duration === 'string') entity.expires = addDuration(new Date(), duration)?.toISOString() ?? null;
  const { tables, db } = m.accounts;
  await db.transaction(async (tx) => {
    // The old key stops working the moment the new one exists; its spend carries over.
    await tables.keys.delete(tx, String(existing.token));
    if (!(await tables.keys.insert(tx, entity))) throw badInput('A key with this value already exists.');
    await tx.run('UPDATE tg_model_spend SET id = $1 WHERE kind = $2 AND id = $3', [
      entity.token as string,
      'key',
      String(existing.token),
    ]);
  });
  await m.accounts.changed();
  return keyAnswer(entity, key);
}

async function setBlocked(m: Management, body: JsonObject, blocked: boolean): Promise<JsonObject> {
  const existing = await keyNamed(m, body.key);
  await m.accounts.tables.keys.replace(m.accounts.db, { ...existing, blocked, updated_by: m.adminId });
  await m.accounts.changed();
  return (await m.accounts.tables.keys.get(m.accounts.db, String(existing.token))) ?? {};
}

/** The stored key a request names (the key itself or its token); 404 when there is none. */
async function keyNamed(m: Management, key: unknown): Promise<Entity> {
  if (typeof key !== 'string' || key === '') throw invalid('key: give the key (or its token)');
  const entity = await m.accounts.tables.keys.get(m.accounts.db, tokenOf(key));
  if (entity === undefined) throw notFound(`Key not found: ${tokenOf(key).slice(0, 8)}…`);
  return entity;
}
