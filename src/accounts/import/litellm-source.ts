/**
 * Reads a LiteLLM PostgreSQL database, read-only: which of its tables and columns exist (from
 * information_schema, since older versions lack some), and their rows a page at a time in primary-key
 * order (keyset pages: a database of 100k keys is never held in memory, and a page costs the same
 * wherever it starts).
 */
import pg from 'pg';
import type { JsonObject } from '../../shared/json.ts';
import type { LitellmTable } from './litellm-tables.ts';
import { parseSourceUrl, type SourceUrl } from './source-url.ts';

export type SourceRow = JsonObject;

/**
 * Values as the import wants them: BigInt limits and numeric sums as numbers (they fit a double), and
 * Prisma's DateTime (`timestamp(3)` without a time zone, holding UTC) as ISO-8601 UTC text — pg would
 * otherwise read it in the local time zone.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    const b = pg.types.builtins;
    if (oid === b.INT8 || oid === b.NUMERIC) return Number;
    if (oid === b.TIMESTAMP) return (text: string) => isoTime(`${text.replace(' ', 'T')}Z`);
    if (oid === b.TIMESTAMPTZ) return isoTime;
    return pg.types.getTypeParser(oid, format);
  },
};

function isoTime(text: string): string {
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? text : time.toISOString();
}

export class LitellmSource {
  readonly url: SourceUrl;
  readonly #client: pg.Client;
  readonly #schema: string;

  private constructor(url: SourceUrl, client: pg.Client, schema: string) {
    this.url = url;
    this.#client = client;
    this.#schema = schema;
  }

  static async open(rawUrl: string): Promise<LitellmSource> {
    const url = parseSourceUrl(rawUrl);
    const client = new pg.Client({ connectionString: url.connectionString, types });
    // A server going away mid-import surfaces as the failed query; unhandled here it would end the process.
    client.on('error', () => {});
    try {
      await client.connect();
      const schema =
        url.schema ??
        (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema ??
        'public';
      return new LitellmSource(url, client, schema);
    } catch (err) {
      await client.end().catch(() => {});
      throw new Error(
        `could not read the LiteLLM database ${url.shown}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /** The columns of `table` this database has, of those the import reads; undefined without the table. */
  async columns(table: LitellmTable): Promise<string[] | undefined> {
    const rows = await this.#client.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [this.#schema, table.name],
    );
    if (rows.rows.length === 0) return undefined;
    const present = new Set(rows.rows.map((r) => r.column_name));
    return table.columns.filter((c) => present.has(c));
  }

  async count(table: LitellmTable): Promise<number> {
    const rows = await this.#client.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${this.#name(table)}`);
    return Number(rows.rows[0]?.n ?? 0);
  }

  /** Every row of `table` (the given columns, ids always), `size` at a time. */
  async *pages(table: LitellmTable, columns: readonly string[], size: number): AsyncGenerator<SourceRow[]> {
    const read = [...new Set([...table.ids, ...columns])].map(quote).join(', ');
    const ids = table.ids.map(quote).join(', ');
    let after: unknown[] | undefined;
    for (;;) {
      const where =
        after === undefined ? '' : `WHERE (${ids}) > (${after.map((_, i) => `$${i + 1}`).join(', ')})`;
      const result = await this.#client.query<SourceRow>(
        `SELECT ${read} FROM ${this.#name(table)} ${where} ORDER BY ${ids} LIMIT ${size}`,
        after ?? [],
      );
      if (result.rows.length > 0) yield result.rows;
      if (result.rows.length < size) return;
      const last = result.rows[result.rows.length - 1] as SourceRow;
      after = table.ids.map((id) => last[id]);
    }
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => {});
  }

  #name(table: LitellmTable): string {
    return `${quote(this.#schema)}.${quote(table.name)}`;
  }
}

/** A PostgreSQL identifier, quoted: LiteLLM's table names are mixed case. */
function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
