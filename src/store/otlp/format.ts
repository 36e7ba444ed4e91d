/** Which OTLP encoding a request's Content-Type names; kept apart so the HTTP side loads no decoder. */
export type OtlpFormat = 'json' | 'protobuf';

/** `application/x-protobuf` is protobuf; `application/json…` or no type at all is JSON; else undefined. */
export function otlpFormat(contentType: string | undefined): OtlpFormat | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === '' || type.startsWith('application/json')) return 'json';
  return undefined;
}
