/**
 * `tollgate --import_litellm_db <url>`: a one-shot command that copies a LiteLLM proxy's accounts into
 * the accounts database this gateway would use with the same flags, env and config (DATABASE_URL /
 * general_settings.database_url, else `accounts.db` beside the trace store), prints what it did and
 * exits. The work is `accounts/import/`; this file picks the database and words the report.
 */
import { Accounts } from '../accounts/accounts.ts';
import { type ImportReport, importLitellm, type TableReport } from '../accounts/import/import-litellm.ts';
import { parseSourceUrl } from '../accounts/import/source-url.ts';

/** A progress line on stderr every this many rows of one table (a large LiteLLM takes a while). */
const PROGRESS_EVERY = 10_000;

export async function importLitellmDb(
  url: string,
  databaseUrl: string | undefined,
  sqlitePath: string,
): Promise<number> {
  if (databaseUrl === undefined && sqlitePath === ':memory:') {
    process.stderr.write(
      'tollgate: the accounts database is in memory (the trace store is :memory:), so an import would be lost at exit; set DATABASE_URL, or --trace_store to a file beside which accounts.db is kept\n',
    );
    return 1;
  }
  const target = databaseUrl === undefined ? `SQLite ${sqlitePath}` : `PostgreSQL ${masked(databaseUrl)}`;
  const accounts = await Accounts.open({
    databaseUrl,
    sqlitePath,
    warn: (message, err) =>
      process.stderr.write(`warning: ${message}${err instanceof Error ? `: ${err.message}` : ''}\n`),
  });
  try {
    const report = await importLitellm(accounts, url, {
      progress: (table, read) => {
        if (read % PROGRESS_EVERY === 0) process.stderr.write(`${table}: ${read} rows read…\n`);
      },
    });
    process.stdout.write(reportText(report, target));
    return 0;
  } catch (err) {
    process.stderr.write(
      `tollgate: the import failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  } finally {
    await accounts.close();
  }
}

function masked(url: string): string {
  try {
    return parseSourceUrl(url).shown;
  } catch {
    return '(DATABASE_URL)';
  }
}

const HEADINGS = ['read', 'added', 'updated', 'unchanged', 'skipped'] as const;

export function reportText(report: ImportReport, target: string): string {
  const lines = [
    `Imported the LiteLLM database ${report.source}`,
    `into the accounts database (${target}):`,
    '',
  ];
  const found = report.tables.filter((t) => t.found);
  const width = Math.max(...found.map((t) => t.from.length), 'LiteLLM table'.length);
  lines.push(`  ${'LiteLLM table'.padEnd(width)}${HEADINGS.map((h) => h.padStart(11)).join('')}`);
  for (const t of found)
    lines.push(`  ${t.from.padEnd(width)}${HEADINGS.map((h) => String(t[h]).padStart(11)).join('')}`);
  if (report.membersFromTeams > 0)
    lines.push(
      `  + ${report.membersFromTeams} team membership row(s) made for members listed in a team's members_with_roles`,
    );
  if (report.skipped.length > 0) {
    lines.push('', 'Skipped:');
    for (const s of report.skipped)
      lines.push(
        `  ${s.from}: ${s.count} × ${s.reason} (${s.examples.join('; ')}${s.count > s.examples.length ? '; …' : ''})`,
      );
  }
  const missing = report.tables.filter((t) => !t.found);
  if (missing.length > 0)
    lines.push(
      '',
      `Not in this LiteLLM database (an older version), nothing read: ${missing.map((t) => t.from).join(', ')}`,
    );
  const lacking = found.filter((t: TableReport) => t.missingColumns.length > 0);
  if (lacking.length > 0) {
    lines.push('', 'Columns this LiteLLM version lacks (those fields are left unset):');
    for (const t of lacking) lines.push(`  ${t.from}: ${t.missingColumns.join(', ')}`);
  }
  if (report.modelsNotImported > 0)
    lines.push(
      '',
      `Not imported: ${report.modelsNotImported} model(s) in LiteLLM_ProxyModelTable (added with /model/new; LiteLLM keeps their credentials encrypted with its salt key). Put them in config.yaml's model_list.`,
    );
  lines.push(
    '',
    'LiteLLM keys work with Tollgate as they are; running gateways see the change at once. Running the import again updates what changed in LiteLLM and adds nothing twice.',
    '',
  );
  return lines.join('\n');
}
