/**
 * LiteLLM's model management: `/model/info` (and `/v1/model/info`, `/v2/model/info`) and
 * `/model_group/info`, which any key may read for the models it may use; `/model/new`,
 * `/model/update` and `/model/delete` (master key), which store models in the accounts database beside
 * config.yaml's (accounts/runtime-models.ts) and serve them at once.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deployment } from '../../config/types.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { INTERNAL_USERS, KEYS, principalOf } from '../principal.ts';
import type { Management } from './context.ts';
import { badInput, bodyObject, invalid, queryInt, queryText, readFields } from './fields.ts';
import { checkTeamAdmin, type Owner, ownerOf } from './key-access.ts';
import { deploymentInfo, groupInfo, maskParams, mayUse } from './model-info.ts';

export function registerModelManagementRoutes(app: FastifyInstance, m: Management): void {
  const info = async (request: FastifyRequest) => modelInfo(m, request);
  app.get('/model/info', KEYS, info);
  app.get('/v1/model/info', KEYS, info);
  app.get('/v2/model/info', KEYS, async (request) => modelInfoPage(m, request));
  app.get('/model_group/info', KEYS, async (request) => modelGroupInfo(m, request));
  // A team admin may add, change and delete its team's models (LiteLLM's team models): the routes check.
  app.post('/model/new', INTERNAL_USERS, async (request) =>
    addModel(m, bodyObject(request.body), ownerOf(request)),
  );
  app.post('/model/update', INTERNAL_USERS, async (request) =>
    updateModel(m, bodyObject(request.body), undefined, ownerOf(request)),
  );
  app.patch('/model/:id/update', INTERNAL_USERS, async (request) =>
    updateModel(m, bodyObject(request.body), (request.params as { id: string }).id, ownerOf(request)),
  );
  app.post('/model/delete', INTERNAL_USERS, async (request) =>
    deleteModel(m, bodyObject(request.body), ownerOf(request)),
  );
}

/** The deployments the caller may use, configured first, as `/model/info` entries. */
function visible(m: Management, request: FastifyRequest): JsonObject[] {
  const principal = principalOf(request);
  const byGroup = groups(m.registry.deployments());
  const out: JsonObject[] = [];
  for (const [group, deployments] of byGroup)
    if (mayUse(principal, group, deployments))
      for (const d of deployments) out.push(deploymentInfo(d, m.registry, m.models?.get(d.id)));
  return out;
}

function groups(deployments: Deployment[]): Map<string, Deployment[]> {
  const byGroup = new Map<string, Deployment[]>();
  for (const d of deployments) byGroup.set(d.modelName, [...(byGroup.get(d.modelName) ?? []), d]);
  return byGroup;
}

async function modelInfo(m: Management, request: FastifyRequest): Promise<JsonObject> {
  const id = queryText(request.query, 'litellm_model_id');
  const all = visible(m, request);
  if (id === undefined) return { data: all };
  const one = all.find((entry) => (entry.model_info as JsonObject).id === id);
  if (one === undefined) throw badInput(`Model id = ${id} not found on the gateway.`);
  return { data: [one] };
}

/** `/v2/model/info`: the same entries, paged, filtered by `model`, `modelId` or `search`. */
async function modelInfoPage(m: Management, request: FastifyRequest): Promise<JsonObject> {
  const q = request.query;
  const page = queryInt(q, 'page', 1, 1_000_000);
  const size = queryInt(q, 'size', 50, 500);
  const model = queryText(q, 'model');
  const id = queryText(q, 'modelId');
  const search = queryText(q, 'search')?.toLowerCase();
  const debug = queryText(q, 'debug') === 'true' || queryText(q, 'debug') === 'True';
  const all = visible(m, request).filter((entry) => {
    const info = entry.model_info as JsonObject;
    if (model !== undefined && entry.model_name !== model) return false;
    if (id !== undefined && info.id !== id) return false;
    return search === undefined || String(entry.model_name).toLowerCase().includes(search);
  });
  const data = all.slice((page - 1) * size, page * size);
  // LiteLLM's debug view names the HTTP client a deployment uses; here it is one per deployment, for life.
  if (debug)
    for (const entry of data) entry.openai_client = `tollgate:${(entry.model_info as JsonObject).id}`;
  return {
    data,
    total_count: all.length,
    current_page: page,
    total_pages: Math.ceil(all.length / size),
    size,
  };
}

async function modelGroupInfo(m: Management, request: FastifyRequest): Promise<JsonObject> {
  const principal = principalOf(request);
  const only = queryText(request.query, 'model_group');
  const data: JsonObject[] = [];
  for (const [group, deployments] of groups(m.registry.deployments())) {
    if (only !== undefined && group !== only) continue;
    if (mayUse(principal, group, deployments)) data.push(groupInfo(group, deployments));
  }
  return { data };
}

const ENTRY_FIELDS = { model_name: 'string', litellm_params: 'object', model_info: 'object' } as const;

function runtime(m: Management) {
  if (m.models === undefined)
    throw badInput('Models cannot be added at run time without the accounts database.');
  return m.models;
}

function answer(model: {
  model_id: string;
  model_name: string;
  litellm_params: JsonObject;
  model_info: JsonObject;
}): JsonObject {
  return { ...model, litellm_params: maskParams(model.litellm_params) };
}

async function addModel(m: Management, body: JsonObject, owner: Owner): Promise<JsonObject> {
  const fields = readFields(body, ENTRY_FIELDS);
  if (typeof fields.model_name !== 'string') throw invalid('model_name: required');
  if (!isJsonObject(fields.litellm_params)) throw invalid('litellm_params: required');
  const info = isJsonObject(fields.model_info) ? fields.model_info : {};
  await checkTeamAdmin(m, owner, info.team_id);
  if (info.id !== undefined && (typeof info.id !== 'string' || info.id === ''))
    throw invalid('model_info.id: must be a non-empty string');
  const stored = await runtime(m).add(
    { model_name: fields.model_name, litellm_params: fields.litellm_params, model_info: info },
    m.adminId,
  );
  return answer(stored);
}

async function updateModel(
  m: Management,
  body: JsonObject,
  fromPath: string | undefined,
  owner: Owner,
): Promise<JsonObject> {
  const fields = readFields(body, ENTRY_FIELDS);
  const info = isJsonObject(fields.model_info) ? fields.model_info : {};
  const id = fromPath ?? (typeof info.id === 'string' ? info.id : undefined);
  if (id === undefined) throw invalid('model_info.id: give the id of the model to change');
  await checkTeamAdmin(m, owner, m.registry.byId(id)?.modelInfo.team_id);
  // A team admin's model stays its team's.
  if (owner !== undefined && info.team_id !== undefined) await checkTeamAdmin(m, owner, info.team_id);
  const stored = await runtime(m).update(
    id,
    {
      ...(typeof fields.model_name === 'string' ? { model_name: fields.model_name } : {}),
      ...(isJsonObject(fields.litellm_params) ? { litellm_params: fields.litellm_params } : {}),
      model_info: info,
    },
    m.adminId,
  );
  return answer(stored);
}

async function deleteModel(m: Management, body: JsonObject, owner: Owner): Promise<JsonObject> {
  const id = body.id;
  if (typeof id !== 'string' || id === '') throw invalid('id: give the id of the model to delete');
  await checkTeamAdmin(m, owner, m.registry.byId(id)?.modelInfo.team_id);
  await runtime(m).remove(id);
  return { message: `Model: ${id} deleted successfully` };
}
