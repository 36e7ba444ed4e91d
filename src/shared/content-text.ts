/**
 * Moved to shared/content-text.ts: gateway, telemetry and providers all read message text, and gateway
 * and telemetry may not import a provider internal. This re-export keeps the files being rewritten in
 * parallel (gateway/token-estimate.ts, providers/mock/provider.ts) compiling; delete it once they
 * import shared/content-text.ts.
 */
<<<<<<<< HEAD:src/shared/content-text.ts
import type { JsonObject } from './json.ts';

export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') texts.push(part);
    else if (typeof (part as JsonObject | null)?.text === 'string')
      texts.push((part as JsonObject).text as string);
  }
  return texts.length > 0 ? texts.join('\n') : undefined;
}
========
export { contentText } from '../shared/content-text.ts';
>>>>>>>> layers:src/providers/content-text.ts
