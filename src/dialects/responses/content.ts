/**
 * The content of a Responses message (a string, or `input_text`, `output_text`, `refusal`, `input_image`
 * and `input_file` parts) as chat content. `where` is the parameter path of the content, e.g.
 * `input[2].content`, so a refused part is named exactly (`input[2].content[0].file_id`).
 */
import { badRequest } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';

/** Whether a message may carry images and files: chat takes them in user messages only. */
export type ContentKind = 'any' | 'text';

/** Chat content: one text part becomes a plain string, the form every chat upstream accepts. */
export function chatContent(content: unknown, where: string, kind: ContentKind): string | JsonObject[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    throw badRequest(`${where} must be a string or a list of content parts`, where);
  const parts = content.map((part, j) => chatPart(part, `${where}[${j}]`, kind));
  const [only] = parts;
  if (parts.length === 1 && only?.type === 'text' && typeof only.text === 'string') return only.text;
  return parts;
}

function chatPart(part: unknown, where: string, kind: ContentKind): JsonObject {
  if (!isJsonObject(part)) throw badRequest(`${where} must be an object`, where);
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: stringField(part, 'text', where) };
    case 'refusal':
      // Chat has no refusal part in a request; the model still has to see what it declined, as text.
      return { type: 'text', text: stringField(part, 'refusal', where) };
    case 'input_image':
      textOnly(kind, where);
      return imagePart(part, where);
    case 'input_file':
      textOnly(kind, where);
      return filePart(part, where);
    default:
      throw badRequest(
        `${where}.type: content parts of type '${String(part.type)}' are not supported for this model`,
        `${where}.type`,
      );
  }
}

function textOnly(kind: ContentKind, where: string): void {
  if (kind === 'text')
    throw badRequest(
      `${where}: images and files are supported only in user messages for this model`,
      `${where}.type`,
    );
}

function imagePart(part: JsonObject, where: string): JsonObject {
  if (typeof part.image_url !== 'string') {
    if (part.file_id != null) throw filesUnsupported(`${where}.file_id`);
    throw badRequest(`${where}.image_url must be a URL or a data: URL`, `${where}.image_url`);
  }
  const image: JsonObject = { url: part.image_url };
  const detail = imageDetail(part.detail, where);
  if (detail !== undefined) image.detail = detail;
  return { type: 'image_url', image_url: image };
}

/** Chat knows `auto`, `low` and `high`; `original` (full resolution) is nearest to `high`. */
function imageDetail(detail: unknown, where: string): string | undefined {
  if (detail === undefined || detail === null) return undefined;
  if (detail === 'original') return 'high';
  if (detail === 'auto' || detail === 'low' || detail === 'high') return detail;
  throw badRequest(`${where}.detail must be one of auto, low, high, original`, `${where}.detail`);
}

function filePart(part: JsonObject, where: string): JsonObject {
  if (typeof part.file_data !== 'string') {
    if (part.file_id != null) throw filesUnsupported(`${where}.file_id`);
    if (part.file_url != null) throw filesUnsupported(`${where}.file_url`);
    throw badRequest(`${where}.file_data must be a string`, `${where}.file_data`);
  }
  const file: JsonObject = { file_data: part.file_data };
  if (typeof part.filename === 'string') file.filename = part.filename;
  return { type: 'file', file };
}

/** Uploaded files (and files the upstream would fetch) live at OpenAI, not at a translated provider. */
const filesUnsupported = (param: string) =>
  badRequest(`${param}: file references are not supported for this model; send the data inline`, param);

/** A required string field of an object at `where`. */
export function stringField(object: JsonObject, key: string, where: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw badRequest(`${where}.${key} must be a string`, `${where}.${key}`);
  return value;
}
