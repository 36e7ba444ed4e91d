/**
 * Charges finished requests: a spend log row each, and the cost added to the key, its user, team, team
 * membership, organization and end user (and the key's spend on that model). Writes are gathered and
 * committed together every BATCH_MS, so the request path never waits on them; a batch
 * that fails (a database that is down) is kept and tried again, up to a bound, rather than lost.
 */
import type { RequestRecord } from '../gateway/record.ts';
import type { Accounts } from './accounts.ts';
import { type Holder, holdersOf, MODEL_SPEND } from './pending-spend.ts';
import { rowValues, SPEND_COLUMNS, type SpendRow, spendRow } from './spend-log.ts';
import type { SqlDb } from './sql/db.ts';

/** Rows held while the database cannot take them; past this the oldest are dropped (and said so). */
const MAX_PENDING = 50_000;
const RETRY_MS = 1000;
/**
 * How long charges gather before they are written together. A commit costs far more than a row (the
 * WAL write, or a round trip to PostgreSQL); per event-loop turn it was ~6 % of a busy gateway's CPU.
 * A budget sees a charge this much later at most; far larger batches would let a burst overspend more.
 */
const BATCH_MS = 50;
/** Past this many pending rows a batch is written at once. */
const BATCH_ROWS = 1000;

interface Charge {
  row: SpendRow;
  holders: Holder[];
}

export class SpendWriter {
  readonly #accounts: Accounts;
  readonly #masterToken: string;
  readonly #warn: (message: string, err?: unknown) => void;
  #pending: Charge[] = [];
  /** A batch's write, due after BATCH_MS (or, for a full batch, at the next turn). */
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #writing: Promise<void> | undefined;
  #dropped = 0;

  readonly #logRows: boolean;

  /** `logRows`: false for `disable_spend_logs` (spend is charged, no row kept per request). */
  constructor(
    accounts: Accounts,
    masterToken: string,
    warn: (message: string, err?: unknown) => void,
    logRows = true,
  ) {
    this.#logRows = logRows;
    this.#accounts = accounts;
    this.#masterToken = masterToken;
    this.#warn = warn;
  }

  charge(record: RequestRecord): void {
    // A request refused before it named a model (a body that was not JSON) is not a call to log.
    if (record.requestedModel === '' && record.attempts.length === 0) return;
    const row = spendRow(record, this.#masterToken);
    const holders = holdersOf(row, this.#masterToken);
    this.#pending.push({ row, holders });
    this.#accounts.pending.add(holders, row.spend);
    if (this.#pending.length > MAX_PENDING)
      this.#drop(this.#pending.splice(0, this.#pending.length - MAX_PENDING));
    if (this.#pending.length >= BATCH_ROWS) this.#schedule(0);
    else this.#schedule(BATCH_MS);
  }

  /** Writes what is pending now (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
    this.#cancel();
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#writing = write(this.#accounts, batch, this.#logRows).then(
      () => {
        // The same moment: what leaves `pending` is now in the database, and in the cached spend.
        for (const { row, holders } of batch) {
          this.#accounts.pending.settle(holders, row.spend);
          this.#accounts.spendCache.written(holders, row.spend);
        }
        if (this.#dropped > 0)
          this.#warn(`${this.#dropped} spend log rows were dropped while the accounts database was failing`);
        this.#dropped = 0;
      },
      (err: unknown) => {
        this.#warn('could not write spend to the accounts database; will try again', err);
        this.#pending = [...batch, ...this.#pending];
        if (this.#pending.length > MAX_PENDING)
          this.#drop(this.#pending.splice(0, this.#pending.length - MAX_PENDING));
        this.#schedule(RETRY_MS);
      },
    );
    try {
      await this.#writing;
    } finally {
      this.#writing = undefined;
    }
  }

  /** Rows given up on (the database failing too long): no longer pending either. */
  #drop(charges: Charge[]): void {
    this.#dropped += charges.length;
    for (const { row, holders } of charges) this.#accounts.pending.settle(holders, row.spend);
  }

  #cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }

  #schedule(delayMs: number): void {
    const run = () => {
      this.#timer = undefined;
      this.#immediate = undefined;
      void this.flush();
    };
    if (delayMs === 0) {
      if (this.#immediate !== undefined) return;
      this.#cancel();
      this.#immediate = setImmediate(run);
    } else if (this.#timer === undefined && this.#immediate === undefined) {
      this.#timer = setTimeout(run, delayMs).unref();
    }
  }
}

/** One transaction: the rows, then each holder's total of the batch (one UPDATE per holder, not per row). */
async function write(accounts: Accounts, batch: Charge[], logRows: boolean): Promise<void> {
  const totals = new Map<string, { holder: Holder; amount: number }>();
  for (const { row, holders } of batch) {
    if (row.spend <= 0) continue;
    for (const holder of holders) {
      const entry = totals.get(holder.key);
      if (entry) entry.amount += row.spend;
      else totals.set(holder.key, { holder, amount: row.spend });
    }
  }
  const tables = Object.values(accounts.tables);
  await accounts.db.transaction(async (tx) => {
    if (logRows) await insertRows(tx, batch);
    for (const { holder, amount } of totals.values()) {
      if (holder.table === MODEL_SPEND) await addModelSpend(tx, holder.ids, amount);
      else if (holder.table === accounts.tables.endUsers.table)
        await chargeEndUser(tx, holder.ids[0] ?? '', amount);
      else await tables.find((t) => t.table === holder.table)?.addSpend(tx, amount, ...holder.ids);
    }
  });
}

/** Rows per INSERT: one statement for many rows costs far less than a statement each (or a round trip each). */
const ROWS_PER_INSERT = 100;

async function insertRows(db: SqlDb, batch: Charge[]): Promise<void> {
  for (let start = 0; start < batch.length; start += ROWS_PER_INSERT) {
    const rows = batch.slice(start, start + ROWS_PER_INSERT);
    const width = SPEND_COLUMNS.length;
    const values = rows.map((_, r) => `(${SPEND_COLUMNS.map((_, c) => `$${r * width + c + 1}`).join(', ')})`);
    await db.run(
      `INSERT INTO tg_spend_logs (${SPEND_COLUMNS.join(', ')}) VALUES ${values.join(', ')}`,
      rows.flatMap(({ row }) => rowValues(row)),
    );
  }
}

async function addModelSpend(db: SqlDb, [token, model]: string[], amount: number): Promise<void> {
  await db.run(
    `INSERT INTO tg_model_spend (kind, id, model, spend) VALUES ('key', $1, $2, $3)
     ON CONFLICT (kind, id, model) DO UPDATE SET spend = tg_model_spend.spend + $3`,
    [token ?? '', model ?? '', amount],
  );
}

/** End users (the request's `user`) are made on first sight, as LiteLLM does, so their spend can be shown. */
async function chargeEndUser(db: SqlDb, id: string, amount: number): Promise<void> {
  const now = new Date().toISOString();
  await db.run(
    `INSERT INTO tg_end_users (user_id, spend, data, created_at, updated_at) VALUES ($1, $2, '{}', $3, $3)
     ON CONFLICT (user_id) DO UPDATE SET spend = tg_end_users.spend + $2`,
    [id, amount, now],
  );
}
