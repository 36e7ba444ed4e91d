/**
 * A span's conversation as role/content pairs. The store keeps OpenInference's flattened
 * `llm_{input,output}_messages_{i}_message_*` columns; OpenObserve removes them at ingest and keeps
 * `gen_ai_{input,output}_messages` (JSON text: GenAI messages with `parts`, a chat request's `messages`,
 * a chat completion's `choices`, or plain text), so a trace read from OpenObserve is shown from those.
 */
type Row = Record<string, unknown>;
export interface Message {
  role: string;
  content: string;
}

export function conversation(span: Row, side: 'input' | 'output'): Message[] {
  const flattened = openInference(span, side);
  return flattened.length > 0 ? flattened : genAi(span[`gen_ai_${side}_messages`], side);
}

function openInference(span: Row, side: 'input' | 'output'): Message[] {
  const out: Message[] = [];
  for (let i = 0; ; i++) {
    const role = span[`llm_${side}_messages_${i}_message_role`];
    if (role === undefined || role === null) break;
    out.push({
      role: String(role),
      content: String(span[`llm_${side}_messages_${i}_message_content`] ?? ''),
    });
  }
  return out;
}

function genAi(value: unknown, side: 'input' | 'output'): Message[] {
  if (typeof value !== 'string' || value === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [{ role: side === 'input' ? 'user' : 'assistant', content: value }];
  }
  const object = isObject(parsed) ? parsed : undefined;
  const list = Array.isArray(parsed)
    ? parsed
    : Array.isArray(object?.messages)
      ? object.messages
      : Array.isArray(object?.choices)
        ? object.choices.map((c) => (isObject(c) ? c.message : undefined))
        : object !== undefined && 'role' in object
          ? [object]
          : [];
  return list.filter(isObject).map((m) => ({
    role: typeof m.role === 'string' ? m.role : side === 'input' ? 'user' : 'assistant',
    content: text(m.content ?? m.parts),
  }));
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    return content === undefined || content === null ? '' : JSON.stringify(content);
  return content
    .map((part) => {
      if (typeof part === 'string') return part;
      if (!isObject(part)) return '';
      const value = part.content ?? part.text;
      return typeof value === 'string' ? value : JSON.stringify(part);
    })
    .join('\n');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
