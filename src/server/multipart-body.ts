/**
 * Reads `multipart/form-data` bodies (audio to transcribe) into the body the gateway routes: the text
 * fields as strings, each file as an `UploadedFile` holding its bytes. Installed only in the scope of
 * the routes that take uploads; everywhere else a form is parsed as JSON, and refused.
 *
 * Field names in the encoding OpenAI's SDKs use come back as what they encode — `include[]` repeated as
 * an array `include`, `chunking_strategy[type]` as an object — so that the upstream's form, written
 * the same way (providers/openai-compatible/form-body.ts), has the names the client sent.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors/gateway-error.ts';
import type { JsonObject } from '../shared/json.ts';
import { UploadedFile } from '../shared/upload.ts';

export function installMultipartBody(scope: FastifyInstance): void {
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, bytes, done) => {
    const type = request.headers['content-type'] ?? '';
    readForm(type, typeof bytes === 'string' ? Buffer.from(bytes) : bytes).then(
      (body) => done(null, body),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err)), undefined),
    );
  });
}

/** A form's fields as a body; a form that cannot be read is a 400. */
export async function readForm(contentType: string, bytes: Buffer): Promise<JsonObject> {
  let form: FormData;
  try {
    // The runtime's own multipart parser (undici's), through the Fetch API's Request.
    form = await new Request('http://form.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: bytes,
    }).formData();
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'parse error';
    throw badRequest(
      `We could not read the multipart form of your request (${detail}).`,
      null,
      'invalid_body',
    );
  }
  const fields = new Map<string, FieldValue>();
  for (const [name, value] of form)
    add(fields, name, value instanceof File ? new UploadedFile(value.name, value) : value);
  // fromEntries: a field may be named `__proto__`, which an assignment would take as the prototype.
  return Object.fromEntries(
    [...fields].map(([name, value]) => [name, value instanceof Map ? Object.fromEntries(value) : value]),
  );
}

type Part = string | UploadedFile;
type FieldValue = Part | Part[] | Map<string, Part>;

/** `name[]` (and a repeated plain name) is an array, `name[key]` one key of an object, any other a field. */
function add(fields: Map<string, FieldValue>, name: string, value: Part): void {
  const keyed = /^([^[\]]+)\[([^[\]]+)\]$/.exec(name);
  if (keyed?.[1] !== undefined && keyed[2] !== undefined) {
    const [, base, key] = keyed;
    const object = fields.get(base);
    if (object !== undefined && !(object instanceof Map))
      throw badRequest(
        `The form field '${base}' is sent both as a value and as an object.`,
        base,
        'invalid_body',
      );
    fields.set(base, (object ?? new Map<string, Part>()).set(key, value));
    return;
  }
  const base = name.endsWith('[]') && name.length > 2 ? name.slice(0, -2) : name;
  const earlier = fields.get(base);
  if (earlier instanceof Map)
    throw badRequest(
      `The form field '${base}' is sent both as a value and as an object.`,
      base,
      'invalid_body',
    );
  if (Array.isArray(earlier)) earlier.push(value);
  else if (earlier !== undefined) fields.set(base, [earlier, value]);
  else fields.set(base, base === name ? value : [value]);
}
