/** Cuts a long value and says so, so a reader never mistakes a truncated prompt for the whole one. */
export function cut(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}…[truncated ${value.length - max} chars]`;
}
