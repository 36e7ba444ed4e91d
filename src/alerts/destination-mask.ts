/**
 * A destination as the API shows it: webhook URLs carry their secret in the path, the query or the
 * userinfo (Slack's `/services/T…/B…/XXXX`, `?token=`), and headers carry keys. Once saved, none of
 * them is shown again: the scheme, host, port and first path segment identify the webhook; the rest
 * is `***`. A client that sends a masked value back (an edit of another field) keeps the stored one.
 */
import type { Destination } from './rule.ts';

export const MASK = '***';

export function maskUrl(raw: string): string {
  const url = new URL(raw);
  if (url.username !== '' || url.password !== '') {
    url.username = MASK;
    url.password = '';
  }
  const [first = '', ...rest] = url.pathname.slice(1).split('/');
  if (rest.some((segment) => segment !== '')) url.pathname = `/${first}/${MASK}`;
  for (const key of new Set(url.searchParams.keys())) url.searchParams.set(key, MASK);
  url.hash = '';
  return url.href;
}

export function maskDestination(destination: Destination): Destination {
  return {
    ...destination,
    url: maskUrl(destination.url),
    headers: Object.fromEntries(Object.keys(destination.headers).map((name) => [name, MASK])),
  };
}

/**
 * The destination to store: masked values the client sent back replaced by the stored ones. A masked
 * value with nothing stored behind it (a new URL, a new header) is refused, naming the field, rather
 * than saving `***` as a secret.
 */
export function withStoredSecrets(
  incoming: Destination,
  stored: Destination | undefined,
): Destination | { invalid: string } {
  let url = incoming.url;
  if (stored && url === maskUrl(stored.url)) url = stored.url;
  else if (url.includes(MASK)) return { invalid: `url: ${MASK} is a masked value: give the whole URL` };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    const kept =
      value === MASK
        ? Object.entries(stored?.headers ?? {}).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1]
        : value;
    if (kept === undefined)
      return { invalid: `headers.${name}: ${MASK} is a masked value: give the header's value` };
    headers[name] = kept;
  }
  return { ...incoming, url, headers };
}
