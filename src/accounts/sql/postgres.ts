/**
 * The accounts database in PostgreSQL (`DATABASE_URL`), shared by every replica: spend increments are
 * single UPDATEs (atomic however many replicas charge at once), and a change to a key is announced with
 * NOTIFY so that every replica drops its cached copy.
 */
import pg from 'pg';
import type { SqlDb, SqlRow, SqlValue } from './db.ts';

/**
 * Counts and sums come back as int8/numeric, which pg hands over as strings (they may not fit a double);
 * spend and token counts always do, and the code above compares numbers.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
    return pg.types.getTypeParser(oid, format);
  },
};

export class PostgresDb implements SqlDb {
  readonly engine = 'postgres';
  readonly #pool: pg.Pool;
  #listener: pg.Client | undefined;
  #closed = false;
  readonly #url: string;

  constructor(url: string, onError: (err: unknown) => void) {
    this.#url = url;
    this.#pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000, types });
    // An idle client whose server went away emits here; unhandled, it would end the process.
    this.#pool.on('error', onError);
  }

  async query<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.#pool.query<T>(sql, params as SqlValue[])).rows;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.#pool.query(sql, params as SqlValue[])).rowCount ?? 0;
  }

  async transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(new ClientDb(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Calls `onMessage` for each NOTIFY on `channel`, on a connection of its own. A lost connection is
   * reported, then retried every second until it listens again (or `close`); '*' says that anything
   * may have changed unheard, once at the loss and once listening again.
   */
  async listen(channel: string, onMessage: (payload: string) => void, onError: (err: unknown) => void) {
    const connect = async (): Promise<void> => {
      const client = new pg.Client({ connectionString: this.#url, types });
      client.on('notification', (message) => {
        if (message.channel === channel) onMessage(message.payload ?? '');
      });
      client.on('error', (err) => {
        onError(err);
        if (this.#listener !== client) return;
        this.#listener = undefined;
        onMessage('*');
        again();
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${channel}`);
      } catch (err) {
        await client.end().catch(() => {});
        throw err;
      }
      // Closed while connecting: nothing would ever end this connection, and it keeps the process up.
      if (this.#closed) await client.end().catch(() => {});
      else this.#listener = client;
    };
    const again = () => {
      setTimeout(() => {
        if (this.#closed) return;
        connect().then(
          () => {
            if (!this.#closed) onMessage('*');
          },
          (err: unknown) => {
            onError(err);
            again();
          },
        );
      }, 1000).unref();
    };
    await connect();
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.#pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => {});
    await this.#pool.end();
  }
}

/** One pooled connection inside a transaction. */
class ClientDb implements SqlDb {
  readonly engine = 'postgres';
  readonly #client: pg.PoolClient;
  constructor(client: pg.PoolClient) {
    this.#client = client;
  }
  async query<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.#client.query<T>(sql, params as SqlValue[])).rows;
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.#client.query(sql, params as SqlValue[])).rowCount ?? 0;
  }
  transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T> {
    return work(this);
  }
  async close(): Promise<void> {}
}
