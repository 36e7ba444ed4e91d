/** The `--help` text. Kept by hand (not generated) so that it reads well; a test checks it lists every flag. */

/** The text `tollgate --help` prints. */
export function helpText(): string {
  return `Usage: tollgate [options]

An OpenAI-compatible LLM gateway that traces every request. It takes the same
flags and config.yaml as the LiteLLM proxy: \`litellm --config config.yaml\`
becomes \`tollgate --config config.yaml\`. Point any OpenAI client at
http://localhost:4000/v1.

Server:
  --host <address>        Address to listen on (env HOST; default 127.0.0.1;
                          0.0.0.0 accepts other machines)
  --port <number>         Port to listen on (env PORT; default 4000)
  -c, --config <file>     LiteLLM config.yaml: model_list and settings
  --num_workers <n>       Processes sharing the port (env NUM_WORKERS, 1)

Model (alone, or added to the config's model_list):
  -m, --model <model>     Serve one model: gpt-4o-mini, openai/<id>, mock/<name>
  --alias <name>          Name clients send for --model (default: --model)
  --api_base <url>        Base URL of an OpenAI-compatible server for --model
  --api_version <v>       API version for --model
  --temperature <0-2>     Temperature for requests that set none (the --model
                          model, or every model when there is no --model)
  --max_tokens <n>        max_tokens for requests that set none (same scope)

Behaviour:
  --drop_params           Remove parameters a provider does not take
  --request_timeout <s>   Upstream timeout in seconds (default 600)
  --max_budget <usd>      Not supported yet, ignored
  --debug                 Info-level log (the default; kept for LiteLLM)
  --detailed_debug        Debug-level log

Traces:
  --trace_store <path>    Embedded trace store: a file (default
                          .tollgate/traces.db), :memory:, or off. On by
                          default when no OPENOBSERVE_URL is set; naming a
                          file keeps spans here as well as in OpenObserve
                          (env TOLLGATE_TRACE_STORE)

Accounts:
  --import_litellm_db <url>
                          Copy a LiteLLM proxy's keys, users, teams,
                          organizations, end users, budgets and spend from
                          its PostgreSQL database (LiteLLM's DATABASE_URL)
                          into the accounts database, then exit. Keys keep
                          working; running it again updates, never doubles

Info:
  -v, --version           Print the version and exit
  --health                Call each model once, print its health and exit
  --validate_config       Check the configuration, print warnings and exit
  -h, --help              Print this help and exit

Flags with an underscore also take dashes: --api-base, --drop-params, …

Environment (also read from ./.env, which never overrides what is set):
  HOST, PORT              Listen address and port when no flag is given
  OPENAI_API_KEY          Key for OpenAI models without api_key; with it and
                          no model configured, Tollgate serves gpt-4o-mini
  OPENAI_BASE_URL         Base URL for OpenAI models without api_base
  LITELLM_MASTER_KEY      Key clients must send (Authorization: Bearer);
  TOLLGATE_MASTER_KEY       general_settings.master_key wins over both
  TOLLGATE_LOG_LEVEL      fatal, error, warn, info, debug or trace
  OPENOBSERVE_URL         Send spans to OpenObserve (with OPENOBSERVE_ORG,
                          OPENOBSERVE_AUTH_TOKEN, as its own SDK reads them)
  TOLLGATE_TRACE_RETENTION_DAYS  Days the trace store keeps spans (default 7)
  TOLLGATE_TRACE_STORE_MAX_MB    Size the trace store stays under (1024)

With no model configured and no OPENAI_API_KEY, Tollgate serves "demo", a
built-in model that answers offline.

Examples:
  tollgate
  tollgate --model gpt-4o-mini --drop_params
  tollgate --config config.yaml

Docs: docs/configuration.md
`;
}
