/**
 * Spend per request tag, from the spend log rows' `request_tags` (the request's own tags, then its key's
 * and its team's: gateway/request-tags.ts), in LiteLLM's two shapes:
 *
 * - `GET /spend/tags` → `[{individual_request_tag, log_count, total_spend}]`, by spend;
 * - `GET /global/spend/tags?start_date&end_date[&tags=a,b]` → `{spend_per_tag: [{name, spend,
 *   log_count}]}` (`all-tags`, or no `tags`: every tag), as LiteLLM's UI reads it.
 *
 * A row with two tags counts for both, as in LiteLLM. Ranges are bounded (`/spend/tags` without dates
 * covers the last 30 days, where LiteLLM scans every row ever logged), and so are the groups answered.
 */
import type { FastifyInstance } from 'fastify';
import type { SqlDb } from '../../accounts/sql/db.ts';
import type { JsonObject } from '../../shared/json.ts';
import type { Management } from './context.ts';
import { badInput, queryText } from './fields.ts';
import { lastDays, type Range, rangeOf, Where } from './spend-query.ts';

/** Tags answered at most, the most spent on first. */
const MAX_TAGS = 1000;
const DEFAULT_DAYS = 30;

export function registerSpendTags(app: FastifyInstance, m: Management): void {
  app.get('/spend/tags', async (request) => {
    const rows = await spendByTag(m.accounts.db, rangeOf(request.query) ?? lastDays(DEFAULT_DAYS));
    return rows.map((r) => ({ individual_request_tag: r.tag, log_count: r.logs, total_spend: r.spend }));
  });
  app.get('/global/spend/tags', async (request) => {
    const range = rangeOf(request.query);
    if (range === undefined) throw badInput('Please provide start_date and end_date');
    const asked = queryText(request.query, 'tags')
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const only = asked === undefined || asked.length === 0 || asked.includes('all-tags') ? undefined : asked;
    const rows = await spendByTag(m.accounts.db, range, only);
    return {
      spend_per_tag: rows.map((r) => ({
        name: r.tag,
        spend: Math.round(r.spend * 10_000) / 10_000,
        log_count: r.logs,
      })),
    };
  });
}

interface TagSpend {
  tag: string;
  logs: number;
  spend: number;
}

async function spendByTag(db: SqlDb, range: Range, only?: string[]): Promise<TagSpend[]> {
  // Each engine's way of turning a row's JSON list into rows, and the column a tag is then.
  const [tags, tag] =
    db.engine === 'postgres'
      ? ['CROSS JOIN LATERAL jsonb_array_elements_text(s.request_tags::jsonb) AS t(tag)', 't.tag']
      : ['CROSS JOIN json_each(s.request_tags) AS t', 't.value'];
  const where = new Where().range(range, 's.start_time').in(tag, only);
  const rows = await db.query<{ tag: string; logs: number | string; spend: number | string | null }>(
    `SELECT ${tag} AS tag, COUNT(*) AS logs, SUM(s.spend) AS spend FROM tg_spend_logs s ${tags}
     WHERE s.request_tags IS NOT NULL AND s.request_tags <> '[]' AND ${where.sql}
     GROUP BY ${tag} ORDER BY spend DESC, logs DESC, tag LIMIT ${where.next(MAX_TAGS)}`,
    where.params,
  );
  return rows.map((r) => ({ tag: r.tag, logs: Number(r.logs), spend: Number(r.spend ?? 0) }));
}
