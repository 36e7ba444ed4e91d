/**
 * The layers of docs/architecture.md, enforced in `npm run check`. Data flows one way:
 *
 *   cli → config → server → gateway → providers
 *                             gateway → telemetry → exporters → store
 *   server → ingest/search → store;  alerts → store
 *
 * Rules name what a folder may NOT import, so a new folder is free until it is given a rule.
 * Colocated tests (`*.test.ts`) obey the layer rules too: a unit test that needs a higher layer is an
 * end-to-end test and belongs under test/. They may use test/'s fixtures and helpers, which code may not.
 *
 * Parsed with swc: dependency-cruiser cannot load TypeScript 7 (the project's `typescript`). swc reports
 * type-only imports as such without `tsPreCompilationDeps` (which would ask for tsc), so the rules below
 * that allow types only still work.
 *
 * Violations in files being rewritten are listed in .dependency-cruiser-known-violations.json, which
 * `--ignore-known` skips. `npx depcruise src --baseline` rewrites it; once it is `[]`, delete it and drop
 * `--ignore-known` from the check script in package.json.
 */

const TEST = '\\.test\\.ts$';
/** Data-only provider descriptors and the catalog that collects them (see docs/architecture.md). */
const DESCRIPTORS = '^src/providers/(catalog|descriptor)\\.ts$|^src/providers/[^/]+/descriptor\\.ts$';
/** What the gateway may know of providers: the adapter contract, the registry and the descriptors. */
const PROVIDER_CONTRACT = `^src/providers/(spec|registry)\\.ts$|${DESCRIPTORS}`;

/** A layer rule: files under `from` may not import `to`. */
function layer(name, comment, from, to) {
  return { name, comment, severity: 'error', from: { path: from }, to: { path: to } };
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle means two modules are one concept split in two, or a layer arrow points back.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves nowhere fails at run time (Node does not type-check).',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-test-code',
      comment: 'src/ ships in the npm package without its tests, test/ and bench/; code must not need them.',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST },
      to: { path: `^(test|bench)/|${TEST}` },
    },
    {
      name: 'not-to-dev-dependency',
      comment:
        'Users install only `dependencies`; code in src/ (tests aside) cannot rely on devDependencies.',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    layer(
      'cli-is-the-top',
      'cli/ is the composition root: it wires the layers together, and nothing depends on it.',
      '^src/(?!cli/)',
      '^src/cli/',
    ),
    layer(
      'only-cli-loads-config',
      'Flags, env and config.yaml are read once, by cli/; the layers below get the result (config/types.ts).',
      '^src/(?!(cli|config)/)',
      '^src/config/(?!types\\.ts$)',
    ),
    layer(
      'shared-is-a-leaf',
      'shared/ holds JSON types and plain helpers every layer (the client SDK too) may import.',
      '^src/shared/',
      '^src/(?!shared/)',
    ),
    layer(
      'errors-is-a-leaf',
      'The one error class; every layer throws it, so it depends on no layer.',
      '^src/errors/',
      '^src/(?!(errors|shared)/)',
    ),
    layer(
      'store-knows-no-gateway',
      'The trace store is an OTLP sink with a query engine: it knows nothing of the gateway.',
      '^src/store/',
      '^src/(?!(store|shared)/)',
    ),
    layer(
      'providers-below-gateway',
      'providers/ turns a canonical request into an upstream call: no HTTP server, routing or telemetry.',
      '^src/providers/',
      '^src/(server|gateway|telemetry|store|alerts|sdk|dialects)/',
    ),
    layer(
      'dialects-only-translate',
      'A client dialect translates between a client API and chat: pure functions, called by the gateway.',
      '^src/dialects/',
      '^src/(server|gateway|telemetry|store|alerts|sdk|config|cli)/',
    ),
    {
      name: 'dialects-share-wire-formats-only',
      comment:
        "A dialect reuses providers' knowledge of an API's shapes (usage, stop reasons, chunks), never an adapter, the registry or HTTP.",
      severity: 'error',
      // Tests may parse recorded transcripts with the SSE parser.
      from: { path: '^src/dialects/', pathNot: TEST },
      to: {
        path: '^src/providers/(registry\\.ts|http/|[^/]+/index\\.ts)',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'descriptors-are-data',
      comment:
        'Descriptors are read by config, cost and telemetry, so they may import only each other and shared/.',
      severity: 'error',
      from: { path: DESCRIPTORS },
      to: { path: '^src/', pathNot: `${DESCRIPTORS}|^src/shared/` },
    },
    {
      name: 'descriptors-do-no-io',
      comment: 'Data only: from packages and Node, types and nothing that runs.',
      severity: 'error',
      from: { path: DESCRIPTORS },
      to: { pathNot: `${DESCRIPTORS}|^src/shared/`, dependencyTypesNot: ['type-only'] },
    },
    layer(
      'config-below-cli-only',
      'config/ turns flags, env and config.yaml into plain settings; it starts and serves nothing.',
      '^src/config/',
      '^src/(server|gateway|telemetry|store|alerts|sdk)/',
    ),
    {
      name: 'config-reads-only-descriptors',
      comment: 'config/ learns about providers from their data-only descriptors, never from adapters.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/providers/', pathNot: DESCRIPTORS },
    },
    layer(
      'gateway-knows-no-http-server',
      'gateway/ can be driven from a test with plain objects; telemetry and spend subscribe to it.',
      '^src/gateway/',
      '^src/(server|telemetry|store|alerts|sdk)/',
    ),
    {
      name: 'gateway-uses-the-provider-contract',
      comment: 'The gateway calls providers through spec.ts and the registry, never a provider internal.',
      severity: 'error',
      from: { path: '^src/gateway/' },
      to: { path: '^src/providers/', pathNot: PROVIDER_CONTRACT },
    },
    layer(
      'telemetry-observes-only',
      'telemetry/ observes the gateway and hands spans to exporters; it serves no HTTP and reads no SDK.',
      '^src/telemetry/',
      '^src/(server|alerts|sdk)/',
    ),
    {
      name: 'telemetry-store-exporter-only',
      comment:
        'telemetry → exporters → store: of telemetry, only the store exporter and the span model it sends (store-span.ts) know the store.',
      severity: 'error',
      from: { path: '^src/telemetry/', pathNot: '^src/telemetry/store-(exporter|span)\\.ts$' },
      to: { path: '^src/store/' },
    },
    {
      name: 'telemetry-store-exporter-types-only',
      comment:
        'The exporter is handed a running store and talks to it through its client only; the store itself (SQLite, search) runs in the worker.',
      severity: 'error',
      from: { path: '^src/telemetry/store-(exporter|span)\\.ts$' },
      to: {
        path: '^src/store/',
        pathNot: '^src/store/store-client\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'telemetry-reads-only-descriptors',
      comment: 'Span system names come from descriptors; attributes are built from the result, not adapters.',
      severity: 'error',
      from: { path: '^src/telemetry/' },
      to: { path: '^src/providers/', pathNot: DESCRIPTORS },
    },
    {
      name: 'server-uses-only-the-catalog',
      comment: 'Routes speak to the gateway; of providers they know the catalog and the types of spec.ts.',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/providers/', pathNot: `^src/providers/spec\\.ts$|${DESCRIPTORS}` },
    },
    {
      name: 'server-uses-spec-types-only',
      comment: 'Routes speak to the gateway; of providers they know the catalog and the types of spec.ts.',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/providers/spec\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    layer(
      'server-hands-requests-to-the-gateway',
      'Routes hand requests to the gateway and report the client side; telemetry subscribes to the gateway, never to a route.',
      '^src/server/',
      '^src/telemetry/',
    ),
    layer(
      'accounts-subscribe-to-the-gateway',
      'accounts/ (virtual keys, spend) admits requests for the server and charges finished ones from the gateway record: no HTTP, routing or telemetry.',
      '^src/accounts/',
      '^src/(server|telemetry|store|alerts|sdk|providers|dialects|cli|config)/',
    ),
    {
      name: 'accounts-read-the-record-types-only',
      comment: 'Of the gateway, accounts/ knows the types of the request record, nothing that runs.',
      severity: 'error',
      from: { path: '^src/accounts/' },
      to: { path: '^src/gateway/', dependencyTypesNot: ['type-only'] },
    },
    layer(
      'gateway-knows-no-accounts',
      'The gateway routes and records; what a key may do is decided before it (server/) and charged after it (a finish listener).',
      '^src/gateway/',
      '^src/accounts/',
    ),
    layer(
      'metrics-read-records-and-accounts',
      'metrics/ counts finished requests (a gateway finish listener) and reads budgets from accounts/: no HTTP, routing or telemetry.',
      '^src/metrics/',
      '^src/(server|telemetry|store|alerts|sdk|providers|dialects|cli|config)/',
    ),
    layer(
      'only-cli-wires-metrics',
      'Metrics subscribe to the gateway; cli/ wires them, and the route knows them by an interface of its own.',
      '^src/(?!(cli|metrics)/)',
      '^src/metrics/',
    ),
    {
      name: 'metrics-read-the-record-types-only',
      comment: 'Of the gateway, metrics/ knows the types of the request record, nothing that runs.',
      severity: 'error',
      from: { path: '^src/metrics/' },
      to: { path: '^src/gateway/', dependencyTypesNot: ['type-only'] },
    },
    layer(
      'alerts-read-the-store-only',
      'Alerts query the store and call webhooks; they know nothing of the request path.',
      '^src/alerts/',
      '^src/(server|gateway|providers|telemetry|sdk)/',
    ),
    layer(
      'sdk-stands-alone',
      'sdk/ ships to client applications (built on its own by tsconfig.sdk.json): only sdk/ and shared/.',
      '^src/sdk/',
      '^src/(?!(sdk|shared)/)',
    ),
    {
      name: 'fastify-in-server-only',
      comment: 'Fastify is the HTTP layer: server/ uses it, cli/ starts it, nothing below knows it.',
      severity: 'error',
      from: { path: '^src/(?!(server|cli)/)' },
      to: { path: '(^|/)node_modules/(fastify|@fastify/[^/]+)/' },
    },
  ],
  options: {
    parser: 'swc',
    moduleSystems: ['es6', 'cjs'],
    // test/ and bench/ files show up as targets (so `not-to-test-code` sees them) but are not crawled.
    doNotFollow: { path: '^(node_modules|test|bench)/' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
