/**
 * The query parameters of the traces API's routes (`traces/latest`: latest-traces.ts; a trace's spans:
 * trace-details.ts; sessions and users: llm-*.ts), as the HTTP side hands them over.
 */
export type Params = Record<string, string | undefined>;
