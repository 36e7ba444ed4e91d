/** Reads config.yaml into plain data, keeping the parsed document so errors can point at a line. */
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config-error.ts';

export type KeyPath = ReadonlyArray<string | number>;

export interface YamlSource {
  /** The path as the user typed it, used as the prefix of every message about this file. */
  label: string;
  /** The file's content as plain data; an empty file is `{}`. */
  data: unknown;
  /** The 1-based line of the value at `path`, or of its nearest parent the document holds literally. */
  lineOf(path: KeyPath): number | undefined;
}

/** Reads and parses a YAML file; a missing file or a syntax error is a ConfigError. */
export function readYamlFile(path: string, label: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    if (code === 'ENOENT') throw new ConfigError(`config file not found: ${label}`);
    throw new ConfigError(`config file cannot be read: ${label} (${code})`);
  }
  const lineCounter = new LineCounter();
  // `merge: true` because LiteLLM configs are read by PyYAML, which honours `<<: *anchor` merge keys.
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    // yaml's own message is used without its source excerpt: the offending line may hold a key.
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new ConfigError(`${label}:${line}:${col}: YAML syntax error: ${first.message}`);
  }
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (error) {
    throw new ConfigError(`${label}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    label,
    data,
    lineOf(keyPath) {
      // A missing key has no line, so point at the mapping that lacks it.
      for (let end = keyPath.length; end > 0; end--) {
        const node = doc.getIn(keyPath.slice(0, end), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}
