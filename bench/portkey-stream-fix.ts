// Preloaded into the Portkey gateway (`node --import ./bench/portkey-stream-fix.ts …`) so that its
// streamed answers work under Node for the benchmark. Portkey 1.15.2 returns the upstream's fetch
// Response as is for streams and then appends its x-portkey-* headers to it; under Node (undici,
// with @hono/node-server > 1.14.2) those headers are immutable and every streamed request fails
// with `TypeError: immutable` (Portkey issues #1389, #1550). The fix is the one of its PR #1551:
// copy a streamed Response into a new one (same body stream, status and headers) before the headers
// are touched. It is applied to the module's source as Node loads it: node_modules stays untouched.
import { registerHooks } from 'node:module';

const TARGET = '/@portkey-ai/gateway/build/start-server.js';
/** ResponseService.create in the minified build; checked at load so a new version fails loudly. */
const CALL = 'this.updateHeaders(i,n.cacheStatus,o)';
const FIXED =
  'this.context.isStreaming&&(i=new Response(i.body,{status:i.status,statusText:i.statusText,headers:i.headers})),' +
  CALL;

registerHooks({
  load(url, context, nextLoad) {
    const loaded = nextLoad(url, context);
    if (!url.endsWith(TARGET) || loaded.source === undefined) return loaded;
    const source =
      typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source);
    if (!source.includes(CALL)) {
      throw new Error(`portkey-stream-fix: "${CALL}" not found in ${url}; the shim fits 1.15.2 only`);
    }
    return { ...loaded, source: source.replace(CALL, FIXED) };
  },
});
