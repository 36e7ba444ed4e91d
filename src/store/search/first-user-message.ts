/**
 * The first thing the user said in a session, from its first `gen_ai_input_messages` value, as
 * OpenObserve's session list shows it: the first `user` (or `human`) message's text, whatever shape the
 * messages came in (JSON text, OpenAI-style content parts, OTel `parts`, a plain string), cut to 400.
 */
const MAX_CHARS = 400;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `value`: a parsed JSON value (or JSON text) as it came from a hit. */
export function firstUserMessage(value: unknown): string | null {
  return extract((value ?? null) as Json) ?? null;
}

function extract(value: Json): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') {
    let parsed: Json;
    try {
      parsed = JSON.parse(value) as Json;
    } catch {
      return cut(value);
    }
    return typeof parsed === 'string' ? cut(parsed) : extract(parsed);
  }
  if (Array.isArray(value)) {
    if (value.some((m) => isObject(m) && 'role' in m)) {
      for (const m of value) {
        if (!isObject(m) || !isUser(m.role)) continue;
        const text = contentText(m.content ?? m.text ?? m.parts ?? null);
        const message = text === undefined ? undefined : cut(text);
        if (message !== undefined) return message;
      }
      return undefined;
    }
    return anyText(value);
  }
  if (isObject(value)) {
    const messages = value.messages ?? value.contents;
    if (messages !== undefined) return extract(messages);
    if (typeof value.role === 'string' && !isUser(value.role)) return undefined;
    return anyText(value);
  }
  return anyText(value);
}

function isUser(role: Json | undefined): boolean {
  return typeof role === 'string' && ['user', 'human'].includes(role.toLowerCase());
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function contentText(value: Json): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (Array.isArray(value)) {
    const parts = value.map(contentText).filter((p): p is string => p !== undefined);
    return parts.length > 0 ? parts.join('\n') : undefined;
  }
  if (typeof value.type === 'string')
    return value.type === 'text' ? contentText(value.content ?? value.text ?? null) : undefined;
  return contentText(value.text ?? value.content ?? value.parts ?? null);
}

function anyText(value: Json): string | undefined {
  const text = contentText(value);
  if (text !== undefined) return cut(text);
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (isObject(value) && Object.keys(value).length === 0) return undefined;
  return cut(JSON.stringify(value));
}

function cut(text: string): string | undefined {
  return text.trim() === '' ? undefined : [...text].slice(0, MAX_CHARS).join('');
}
