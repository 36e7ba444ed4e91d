/**
 * Moved to shared/content-text.ts: gateway, telemetry and providers all read message text, and gateway
 * and telemetry may not import a provider internal. This re-export keeps the files being rewritten in
 * parallel (gateway/token-estimate.ts, providers/mock/provider.ts) compiling; delete it once they
 * import shared/content-text.ts.
 */
export { contentText } from '../shared/content-text.ts';
