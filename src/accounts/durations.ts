/**
 * LiteLLM's durations (`duration`, `budget_duration`): a number and a unit — `30s`, `10m`, `1h`, `7d`,
 * `2w`, `1mo`, `1y`.
 */
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** The duration's end from `from`; undefined for text that is not a duration. */
export function addDuration(from: Date, duration: string): Date | undefined {
  const match = /^\s*(\d+)\s*(s|m|h|d|w|mo|y)\s*$/i.exec(duration);
  if (match === null) return undefined;
  const n = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  const end = new Date(from);
  // Months and years by the calendar, as a monthly budget means.
  if (unit === 'mo') end.setUTCMonth(end.getUTCMonth() + n);
  else if (unit === 'y') end.setUTCFullYear(end.getUTCFullYear() + n);
  else end.setTime(end.getTime() + n * (UNIT_MS[unit] ?? 0));
  return end;
}

export function isDuration(text: unknown): text is string {
  return typeof text === 'string' && addDuration(new Date(0), text) !== undefined;
}
