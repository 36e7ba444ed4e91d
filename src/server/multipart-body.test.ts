import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../errors/gateway-error.ts';
import { UploadedFile } from '../shared/upload.ts';
import { readForm } from './multipart-body.ts';

/** A form as a client sends it: its content type (with the boundary) and its bytes. */
async function encoded(fields: Array<[string, string | Blob, string?]>): Promise<[string, Buffer]> {
  const form = new FormData();
  for (const [name, value, filename] of fields)
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, filename);
  const response = new Response(form);
  return [response.headers.get('content-type') ?? '', Buffer.from(await response.arrayBuffer())];
}

describe('readForm', () => {
  it("reads text fields, files, and the SDKs' array and object encodings", async () => {
    const audio = new Blob([Buffer.from([0, 1, 2, 255])], { type: 'audio/wav' });
    const body = await readForm(
      ...(await encoded([
        ['model', 'stt'],
        ['file', audio, 'a.wav'],
        ['include[]', 'logprobs'],
        ['timestamp_granularities[]', 'word'],
        ['timestamp_granularities[]', 'segment'],
        ['chunking_strategy[type]', 'server_vad'],
        ['tag', 'a'],
        ['tag', 'b'],
      ])),
    );
    assert.ok(body.file instanceof UploadedFile);
    assert.deepEqual(body.file.describe(), { filename: 'a.wav', content_type: 'audio/wav', bytes: 4 });
    assert.deepEqual(Buffer.from(await body.file.blob.arrayBuffer()), Buffer.from([0, 1, 2, 255]));
    assert.deepEqual(JSON.parse(JSON.stringify({ ...body, file: undefined })), {
      model: 'stt',
      include: ['logprobs'],
      timestamp_granularities: ['word', 'segment'],
      chunking_strategy: { type: 'server_vad' },
      tag: ['a', 'b'],
    });
  });

  it('keeps a field named __proto__ as a field, never as the prototype', async () => {
    const body = await readForm(
      ...(await encoded([
        ['__proto__[]', 'x'],
        ['model', 'm'],
      ])),
    );
    assert.equal(Object.getPrototypeOf(body), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(body, '__proto__')?.value, ['x']);
  });

  it('refuses a field sent both as a value and as an object, and a body that is no form', async () => {
    await assert.rejects(
      readForm(
        ...(await encoded([
          ['a', '1'],
          ['a[b]', '2'],
        ])),
      ),
      (err: GatewayError) => {
        assert.ok(err instanceof GatewayError);
        assert.equal(err.status, 400);
        return true;
      },
    );
    await assert.rejects(readForm('multipart/form-data; boundary=x', Buffer.from('not a form')), {
      status: 400,
      code: 'invalid_body',
    });
  });
});
