/** OpenObserve's column naming: what a span, its resource and its attributes are called in a row. */

/** A stored cell. bigint only for integers beyond 2^53 (nanosecond times, large counters). */
export type Cell = string | number | bigint | boolean;
export type Row = Record<string, Cell>;

/** The columns every span row has; an attribute with one of these names is stored as `attr_<name>`. */
export const CORE_COLUMNS = [
  '_timestamp',
  'trace_id',
  'span_id',
  'reference_parent_span_id',
  'reference_parent_trace_id',
  'reference_ref_type',
  'operation_name',
  'service_name',
  'span_kind',
  'span_status',
  'status_code',
  'status_message',
  'start_time',
  'end_time',
  'duration',
  'events',
  'links',
  'flags',
] as const;

const RESERVED: ReadonlySet<string> = new Set(CORE_COLUMNS);

/** Lowercase, and every character outside `[a-z0-9_]` becomes `_`: `llm.token_count.prompt` → `llm_token_count_prompt`. */
export function columnName(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** Attribute keys repeat in every span; remembering their columns saves a regex per attribute. */
const attributeColumns = new Map<string, string>();

/** A span attribute's column: its flattened name, or `attr_<name>` when that is a core column. */
export function attributeColumn(key: string): string {
  let column = attributeColumns.get(key);
  if (column === undefined) {
    const name = columnName(key);
    column = RESERVED.has(name) ? `attr_${name}` : name;
    if (attributeColumns.size >= 10_000) attributeColumns.clear();
    attributeColumns.set(key, column);
  }
  return column;
}

/**
 * Stream names as OpenObserve's `format_stream_name` makes them: each run of characters other than
 * ASCII letters, digits, `_` and `:` becomes one `_`, then ASCII letters are lowercased
 * (`My-Stream  Name!` → `my_stream_name_`, `k8s:prod` stays). `default` when empty; at most 100
 * characters here (a name is a table's name in every search).
 */
export function streamName(raw: string | undefined): string {
  const name = (raw ?? '')
    .trim()
    .replace(/[^A-Za-z0-9_:]+/g, '_')
    // Only ASCII letters are left to lowercase.
    .toLowerCase()
    .slice(0, 100);
  return name === '' ? 'default' : name;
}
