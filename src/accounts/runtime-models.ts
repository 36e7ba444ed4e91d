/**
 * Models added at run time (`/model/new`, `/model/update`, `/model/delete`), kept in tg_models beside
 * config.yaml's and served by every replica. A change bumps `models_version` in tg_meta; each process
 * reads that number every `pollMs` (one indexed row) and, when it moved, loads tg_models again and
 * hands the registry the whole new set. The process that made the change does so before answering, so
 * a model added is routable at once there and within `pollMs` everywhere else; after a restart the
 * table is read at start.
 *
 * Entries are stored as given (an `os.environ/NAME` reference stays a reference, read by each replica
 * from its own environment); the deployment is built from them by `build`, config.yaml's rules.
 */
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../shared/json.ts';
import { parseJson, type SqlDb } from './sql/db.ts';

export interface StoredModel {
  model_id: string;
  model_name: string;
  litellm_params: JsonObject;
  model_info: JsonObject;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  updated_by: string | null;
}

/** Where the built deployments go: the gateway's ModelRegistry (accounts/ knows only this much of it). */
export interface DeploymentSink<D> {
  setDynamic(deployments: D[]): void;
  /** A deployment with this id, configured or added. */
  byId(id: string): unknown;
}

export interface RuntimeModelsOptions<D> {
  db: SqlDb;
  registry: DeploymentSink<D>;
  /** A stored entry as a deployment (config/runtime-model.ts); throws when it cannot be served. */
  build: (entry: { model_name: string; litellm_params: JsonObject; model_info: JsonObject }) => D;
  /** Readies new deployments before they are served (their prices). */
  prepare?: (deployments: D[]) => Promise<void>;
  warn: (message: string, err?: unknown) => void;
  pollMs?: number;
}

/** At most this many models in the table (each is a deployment every replica builds and routes). */
const MAX_MODELS = 10_000;
const VERSION_ROW = 'models_version';

export class RuntimeModels<D = unknown> {
  readonly #o: RuntimeModelsOptions<D>;
  #models: StoredModel[] = [];
  #version = -1;
  #timer: NodeJS.Timeout | undefined;
  #loading: Promise<void> | undefined;
  /** Entries this process could not build, by id and update time, so each is warned about once. */
  readonly #warned = new Set<string>();

  constructor(options: RuntimeModelsOptions<D>) {
    this.#o = options;
  }

  /** Loads the table, then watches it for other processes' changes. */
  async start(): Promise<void> {
    await this.#reload();
    this.#timer = setInterval(() => {
      this.#poll().catch((err) => this.#o.warn('could not read the models added at run time', err));
    }, this.#o.pollMs ?? 1000);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  list(): readonly StoredModel[] {
    return this.#models;
  }

  get(id: string): StoredModel | undefined {
    return this.#models.find((m) => m.model_id === id);
  }

  /** Stores a new model and serves it; a 400 when it cannot be built or its id is taken. */
  async add(
    entry: { model_name: string; litellm_params: JsonObject; model_info: JsonObject },
    by: string,
  ): Promise<StoredModel> {
    const id = typeof entry.model_info.id === 'string' ? entry.model_info.id : randomUUID();
    if (this.#o.registry.byId(id) !== undefined || (await this.#row(id)) !== undefined)
      throw refused(`A model with id "${id}" already exists.`);
    const [{ n } = { n: 0 }] = await this.#o.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM tg_models');
    if (Number(n) >= MAX_MODELS) throw refused(`At most ${MAX_MODELS} models may be added at run time.`);
    const now = new Date().toISOString();
    const model: StoredModel = {
      model_id: id,
      model_name: entry.model_name,
      litellm_params: entry.litellm_params,
      model_info: { ...entry.model_info, id },
      created_at: now,
      updated_at: now,
      created_by: by,
      updated_by: by,
    };
    this.#check(model);
    await this.#o.db.transaction(async (tx) => {
      await tx.run(
        'INSERT INTO tg_models (model_id, model_name, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)',
        [id, model.model_name, JSON.stringify(dataOf(model)), now],
      );
      await bump(tx);
    });
    await this.#reload();
    return model;
  }

  /** Changes a stored model: the fields given replace, `litellm_params` and `model_info` key by key. */
  async update(
    id: string,
    change: { model_name?: string; litellm_params?: JsonObject; model_info?: JsonObject },
    by: string,
  ): Promise<StoredModel> {
    const existing = await this.#row(id);
    if (existing === undefined) throw notFound(id, this.#o.registry.byId(id) !== undefined);
    const model: StoredModel = {
      ...existing,
      model_name: change.model_name ?? existing.model_name,
      litellm_params: { ...existing.litellm_params, ...change.litellm_params },
      model_info: { ...existing.model_info, ...change.model_info, id },
      updated_at: new Date().toISOString(),
      updated_by: by,
    };
    this.#check(model);
    await this.#o.db.transaction(async (tx) => {
      await tx.run('UPDATE tg_models SET model_name = $1, data = $2, updated_at = $3 WHERE model_id = $4', [
        model.model_name,
        JSON.stringify(dataOf(model)),
        model.updated_at,
        id,
      ]);
      await bump(tx);
    });
    await this.#reload();
    return model;
  }

  /** Removes a stored model; a 404 when there is none (a 400 for one config.yaml defines). */
  async remove(id: string): Promise<void> {
    const removed = await this.#o.db.transaction(async (tx) => {
      const n = await tx.run('DELETE FROM tg_models WHERE model_id = $1', [id]);
      if (n > 0) await bump(tx);
      return n;
    });
    if (removed === 0) throw notFound(id, this.#o.registry.byId(id) !== undefined);
    await this.#reload();
  }

  /** Builds the model as the registry would, so that one that cannot be served is refused, not stored. */
  #check(model: StoredModel): void {
    try {
      this.#o.build(entryOf(model));
    } catch (err) {
      throw refused(err instanceof Error ? err.message : String(err));
    }
  }

  async #poll(): Promise<void> {
    if ((await readVersion(this.#o.db)) !== this.#version) await this.#reload();
  }

  /** One load at a time; a change seen during a load is picked up by the next poll. */
  async #reload(): Promise<void> {
    while (this.#loading !== undefined) await this.#loading;
    this.#loading = this.#load();
    try {
      await this.#loading;
    } finally {
      this.#loading = undefined;
    }
  }

  async #load(): Promise<void> {
    const version = await readVersion(this.#o.db);
    const rows = await this.#o.db.query<{
      model_id: string;
      data: string;
      created_at: string;
      updated_at: string;
    }>(
      `SELECT model_id, data, created_at, updated_at FROM tg_models ORDER BY created_at, model_id LIMIT ${MAX_MODELS}`,
    );
    const models = rows.map((row) => fromRow(row));
    const deployments: D[] = [];
    for (const model of models) {
      try {
        deployments.push(this.#o.build(entryOf(model)));
      } catch (err) {
        // Another replica may lack an environment variable this one has: the model is skipped here.
        const mark = `${model.model_id}@${model.updated_at}`;
        if (!this.#warned.has(mark))
          this.#o.warn(
            `model "${model.model_name}" (id ${model.model_id}) added at run time cannot be served here`,
            err,
          );
        this.#warned.add(mark);
      }
    }
    await this.#o.prepare?.(deployments);
    this.#o.registry.setDynamic(deployments);
    this.#models = models;
    this.#version = version;
  }

  async #row(id: string): Promise<StoredModel | undefined> {
    const rows = await this.#o.db.query<{
      model_id: string;
      data: string;
      created_at: string;
      updated_at: string;
    }>('SELECT model_id, data, created_at, updated_at FROM tg_models WHERE model_id = $1', [id]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }
}

function entryOf(model: StoredModel) {
  return { model_name: model.model_name, litellm_params: model.litellm_params, model_info: model.model_info };
}

function dataOf(model: StoredModel): JsonObject {
  return {
    model_name: model.model_name,
    litellm_params: model.litellm_params,
    model_info: model.model_info,
    created_by: model.created_by,
    updated_by: model.updated_by,
  };
}

function fromRow(row: {
  model_id: string;
  data: string;
  created_at: string;
  updated_at: string;
}): StoredModel {
  const data = parseJson<JsonObject>(row.data) ?? {};
  const object = (v: unknown): JsonObject => (isJsonObject(v) ? v : {});
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    model_id: row.model_id,
    model_name: String(data.model_name ?? ''),
    litellm_params: object(data.litellm_params),
    model_info: { ...object(data.model_info), id: row.model_id },
    created_at: row.created_at,
    updated_at: row.updated_at,
    created_by: text(data.created_by),
    updated_by: text(data.updated_by),
  };
}

async function readVersion(db: SqlDb): Promise<number> {
  const rows = await db.query<{ value: number }>('SELECT value FROM tg_meta WHERE name = $1', [VERSION_ROW]);
  return Number(rows[0]?.value ?? 0);
}

/** The row is made on the first change (no migration needed); later changes add one. */
async function bump(db: SqlDb): Promise<void> {
  await db.run(
    `INSERT INTO tg_meta (name, value) VALUES ($1, 1)
     ON CONFLICT (name) DO UPDATE SET value = tg_meta.value + 1`,
    [VERSION_ROW],
  );
}

function refused(message: string): GatewayError {
  return new GatewayError(message, { status: 400, type: 'bad_request_error', code: '400' });
}

function notFound(id: string, configured: boolean): GatewayError {
  return configured
    ? refused(
        `Model id = ${id} is defined in config.yaml; change it there (only models added at run time can be changed here).`,
      )
    : new GatewayError(`Model id = ${id} not found.`, { status: 404, type: 'not_found_error', code: '404' });
}
