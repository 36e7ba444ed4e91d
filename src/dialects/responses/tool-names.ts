/**
 * The names the client's tools go by in chat. Chat has no namespaces, so a tool inside a `namespace`
 * tool becomes a chat function named `<namespace>__<name>`; answers turn that name back into the
 * tool's own name and namespace. Chat function names allow `[a-zA-Z0-9_-]` and at most 64 characters,
 * so a joined name that is longer, has other characters or clashes with another tool's name gets a
 * short name made from a hash of the namespace and name instead.
 *
 * The mapping is derived from the request's `tools` alone, the same way every time, so `toChat`,
 * `fromChat` and the stream agree on it without keeping any state.
 */
import { createHash } from 'node:crypto';
import { isJsonObject } from '../../shared/json.ts';

/** Who a chat tool call is for, in the client's terms. */
export interface ToolTarget {
  name: string;
  namespace?: string;
  /** A custom tool: its call is a `custom_tool_call` with a text `input`, not JSON arguments. */
  custom: boolean;
}

const MAX_NAME = 64;
const SEPARATOR = '__';

export class ToolNames {
  private readonly targets = new Map<string, ToolTarget>();
  /** The chat name of each namespaced tool, by `namespace\0name`. */
  private readonly joined = new Map<string, string>();

  /**
   * The names for a request's `tools`. Lenient: what is malformed is skipped (`toChat` has refused it
   * already; an answer must not fail over it).
   */
  static of(tools: unknown): ToolNames {
    const names = new ToolNames();
    if (!Array.isArray(tools)) return names;
    const objects = tools.filter(isJsonObject);
    // Top-level names are the client's own and stay as they are; namespaced ones must avoid them.
    for (const tool of objects)
      if (isNamed(tool)) names.targets.set(tool.name, { name: tool.name, custom: tool.type === 'custom' });
    for (const space of objects) {
      if (space.type !== 'namespace' || typeof space.name !== 'string' || !Array.isArray(space.tools))
        continue;
      for (const tool of space.tools.filter(isJsonObject))
        if (isNamed(tool)) names.addNamespaced(space.name, tool.name, tool.type === 'custom');
    }
    return names;
  }

  /** The chat function name of the tool `name`, in `namespace` when it has one. */
  chatName(name: string, namespace?: string): string {
    if (namespace === undefined) return name;
    return this.joined.get(key(namespace, name)) ?? joinName(namespace, name);
  }

  /** The tool a chat call of `chatName` is for; a name not offered is taken as a plain function's. */
  target(chatName: string): ToolTarget {
    return this.targets.get(chatName) ?? { name: chatName, custom: false };
  }

  /** Whether a chat function of this name goes to chat. */
  isOffered(chatName: string): boolean {
    return this.targets.has(chatName);
  }

  /** The namespaced tools called `name` (for a `tool_choice` that names one without its namespace). */
  namespacedNamed(name: string): string[] {
    return [...this.targets.entries()]
      .filter(([, target]) => target.namespace !== undefined && target.name === name)
      .map(([chat]) => chat);
  }

  private addNamespaced(namespace: string, name: string, custom: boolean): void {
    if (this.joined.has(key(namespace, name))) return;
    let chat = joinName(namespace, name);
    for (let n = 1; this.targets.has(chat); n++) chat = hashedName(namespace, name, String(n));
    this.targets.set(chat, { name, namespace, custom });
    this.joined.set(key(namespace, name), chat);
  }
}

const isNamed = (tool: { type?: unknown; name?: unknown }): tool is { type: string; name: string } =>
  (tool.type === 'function' || tool.type === 'custom') && typeof tool.name === 'string';

const key = (namespace: string, name: string) => `${namespace}\0${name}`;

/** `<namespace>__<name>` when chat allows it as it is, else a short name from its hash. */
function joinName(namespace: string, name: string): string {
  const joined = `${namespace}${SEPARATOR}${name}`;
  return /^[a-zA-Z0-9_-]{1,64}$/.test(joined) ? joined : hashedName(namespace, name, '');
}

/**
 * The readable start of the joined name (other characters as `_`) and 8 hex digits of a hash of the
 * namespace and name, within 64 characters; `salt` tells apart names that still clash.
 */
function hashedName(namespace: string, name: string, salt: string): string {
  const hash = createHash('sha256')
    .update(`${key(namespace, name)}\0${salt}`)
    .digest('hex')
    .slice(0, 8);
  const readable = `${namespace}${SEPARATOR}${name}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  return `${readable.slice(0, MAX_NAME - hash.length - 1)}_${hash}`;
}
