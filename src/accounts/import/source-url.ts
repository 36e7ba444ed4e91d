/**
 * The LiteLLM database's URL as LiteLLM's own `DATABASE_URL` spells it. Prisma takes a `schema`
 * parameter (`?schema=litellm`) that PostgreSQL does not: it names where LiteLLM's tables are and is
 * taken out before connecting. Prisma's pool settings are left to `pg`, which ignores them.
 */

export interface SourceUrl {
  /** What `pg` connects with. */
  connectionString: string;
  /** The schema holding LiteLLM's tables; undefined for the connection's own (`public`). */
  schema?: string;
  /** The URL with its password masked, for messages. */
  shown: string;
}

export function parseSourceUrl(raw: string): SourceUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error("the LiteLLM database must be a postgresql:// URL (as LiteLLM's DATABASE_URL)");
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:')
    throw new Error(`the LiteLLM database must be a postgresql:// URL, got ${url.protocol}//…`);
  const schema = url.searchParams.get('schema') || undefined;
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema, shown: maskPassword(url) };
}

function maskPassword(url: URL): string {
  const shown = new URL(url.toString());
  if (shown.password !== '') shown.password = '***';
  return shown.toString();
}
