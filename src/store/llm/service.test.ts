import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { isExplicitServiceName, serviceNameFromSpan } from './service.ts';

describe('serviceNameFromSpan', () => {
  it("reads Langfuse's source metadata, not an empty one", () => {
    assert.equal(serviceNameFromSpan(new Map(senders.LANGFUSE_GENERATION)), 'joke-service');
    assert.equal(serviceNameFromSpan(new Map([['langfuse.observation.metadata.source', '']])), undefined);
  });

  it("does not count OpenTelemetry's unknown_service as a name", () => {
    assert.equal(isExplicitServiceName('unknown_service'), false);
    assert.equal(isExplicitServiceName('unknown_service:python'), true);
    assert.equal(isExplicitServiceName(undefined), false);
    assert.equal(isExplicitServiceName('checkout'), true);
  });
});
