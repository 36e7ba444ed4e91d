/**
 * A request body as the multipart form an upstream takes (transcriptions): text fields as they are,
 * files with their bytes and name, and arrays and objects in the encoding OpenAI's SDKs use
 * (`include[]`, `chunking_strategy[type]`) — the encoding the gateway's form parser reads them from, so
 * a client's form reaches the upstream with the fields it sent, only `model` changed. It is undici's
 * FormData, which the upstream client's agent knows how to send (http/upstream-client.ts).
 */
import { FormData } from 'undici';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import { UploadedFile } from '../../shared/upload.ts';

export function toForm(body: JsonObject): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) append(form, key, value);
  return form;
}

function append(form: FormData, key: string, value: unknown): void {
  // A form has no null: a field left out says the same.
  if (value === undefined || value === null) return;
  if (value instanceof UploadedFile) form.append(key, value.blob, value.filename);
  else if (Array.isArray(value)) for (const item of value) append(form, `${key}[]`, item);
  else if (isJsonObject(value))
    for (const [name, item] of Object.entries(value)) append(form, `${key}[${name}]`, item);
  else form.append(key, String(value));
}
