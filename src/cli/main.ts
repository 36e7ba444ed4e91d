/** The `tollgate` command: flags → config → server, plus the one-shot modes (--help, --health, …). */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load.ts';
import { loadPrices } from '../gateway/cost.ts';
import { checkHealth } from '../gateway/health.ts';
import { buildApp } from '../server/app.ts';
import { exportTargets } from '../telemetry/export-targets.ts';
import { createTelemetry } from '../telemetry/telemetry.ts';
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
  const targets = exportTargets(process.env);
  const telemetry = createTelemetry({
    targets,
    serviceName: process.env.OTEL_SERVICE_NAME?.trim() || 'tollgate',
    version: VERSION,
    hideInputs: config.hideInputs,
    hideOutputs: config.hideOutputs,
    maxValueLength: 32 * 1024,
    log: logger,
  });
  await loadPrices(config.deployments);
  const { app } = buildApp({ config, logger, version: VERSION, telemetry });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  process.stdout.write(`${banner(config, VERSION, port)}\n${tracesLine(targets.map((t) => t.label))}\n\n`);
  installShutdown(app, logger, telemetry);
  return -1;
}

function tracesLine(labels: string[]): string {
  if (labels.length === 0)
    return 'Traces: not exported. Set OPENOBSERVE_URL (and _ORG, _AUTH_TOKEN) or OTEL_EXPORTER_OTLP_ENDPOINT.';
  return `Traces: exported to ${labels.join(' and ')}.`;
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
