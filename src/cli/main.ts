/** The `tollgate` command: flags → config → server, plus the one-shot modes (--help, --health, …). */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load.ts';
import { checkHealth } from '../gateway/health.ts';
import { buildApp } from '../server/app.ts';
import { type CliArgs, parseArgs } from './args.ts';
import { banner } from './banner.ts';
import { helpText } from './help.ts';
import { installShutdown } from './shutdown.ts';
import { UsageError } from './usage-error.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) return print(helpText());
  if (args.version) return print(`tollgate ${VERSION}`);
  const { config, warnings } = await loadConfig(args, process.env, process.cwd());
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (args.validateConfig)
    return validated(config.deployments.length, new Set(config.deployments.map((d) => d.modelName)).size);
  if (args.health) return health(args, config.deployments);
  const logger = pino({ level: config.logLevel, base: { service: 'tollgate' } });
  const { app } = buildApp({ config, logger, version: VERSION });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  process.stdout.write(`${banner(config, VERSION, port)}\n\n`);
  installShutdown(app, logger);
  return -1;
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

function validated(deployments: number, groups: number): number {
  return print(`Config is valid: ${deployments} deployment(s) in ${groups} model group(s).`);
}

async function health(_args: CliArgs, deployments: Parameters<typeof checkHealth>[0]): Promise<number> {
  const report = await checkHealth(deployments);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.unhealthy_count === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`tollgate: ${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof ConfigError) {
      process.stderr.write(`tollgate: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      const code = (err as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        process.stderr.write('tollgate: the port is already in use; pick another with --port or PORT.\n');
      } else {
        process.stderr.write(
          `tollgate: failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      }
      process.exitCode = 1;
    }
  },
);
