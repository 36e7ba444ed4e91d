/**
 * A configuration the gateway refuses to start with (bad config.yaml, unset `os.environ/` reference,
 * unreadable `.env`, …). The message names the file and key path and never contains a secret value,
 * because it is printed to the terminal and often lands in CI logs.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
