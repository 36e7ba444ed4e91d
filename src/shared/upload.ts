/**
 * A file a client uploaded in a multipart form (the audio of a transcription), carried in the request
 * body next to the form's text fields, so that routing, deployment parameters and `drop_params` treat
 * the form like any JSON body. Its bytes stay in `blob` on their way upstream; written out as JSON (the
 * record, the trace) a file is only its name, type and size.
 */
import type { JsonObject } from './json.ts';

export class UploadedFile {
  readonly filename: string;
  readonly blob: Blob;

  constructor(filename: string, blob: Blob) {
    this.filename = filename;
    this.blob = blob;
  }

  /** What a trace shows of the file: never its bytes. */
  describe(): JsonObject {
    return { filename: this.filename, content_type: this.blob.type, bytes: this.blob.size };
  }

  /** JSON.stringify of a body holding a file shows its description too, wherever it is done. */
  toJSON(): JsonObject {
    return this.describe();
  }
}

/** `body` with each file (at the top level or in an array) as its description; `body` itself when it has none. */
export function withFilesDescribed(body: JsonObject): JsonObject {
  if (!Object.values(body).some(holdsFile)) return body;
  // fromEntries: a form field may be named `__proto__`, which an assignment would take as the prototype.
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map(described) : described(value),
    ]),
  );
}

const described = (value: unknown) => (value instanceof UploadedFile ? value.describe() : value);

const holdsFile = (value: unknown) =>
  value instanceof UploadedFile || (Array.isArray(value) && value.some((v) => v instanceof UploadedFile));
