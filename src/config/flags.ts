/**
 * The command-line values the configuration takes, already parsed. config/ defines them and cli/ fills
 * them (its `CliArgs` extends this), so that config never depends on the command line's parser.
 * Unset values stay undefined: env and config.yaml fill them.
 */
export interface ConfigFlags {
  host?: string;
  port?: number;
  model?: string;
  /** Model group name for `--model` (LiteLLM's `--alias`). */
  alias?: string;
  apiBase?: string;
  apiVersion?: string;
  dropParams: boolean;
  /** Path to config.yaml as typed (relative to the working directory). */
  config?: string;
  /** Seconds. */
  requestTimeout?: number;
  temperature?: number;
  maxTokens?: number;
  detailedDebug: boolean;
  numWorkers?: number;
  /** Flags that were accepted but have no effect yet; `loadConfig` passes them on with its own. */
  warnings: string[];
}
