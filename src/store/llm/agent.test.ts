import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { agentIdentity } from './agent.ts';

describe('agentIdentity', () => {
  it("names OpenInference's agent", () => {
    assert.deepEqual(agentIdentity(new Map(senders.OPENINFERENCE_AGENT), new Map()), {
      name: 'Weather agent',
    });
  });

  it('takes GenAI keys first, then the frameworks’, then the resource’s (service.version as the version)', () => {
    const span = new Map([
      ['gen_ai.agent.name', 'planner'],
      ['crewai.task.agent', 'crew'],
      ['llm.agent_id', 'a-1'],
      ['env', 'staging'],
    ]);
    const resource = new Map([
      ['service.version', '2.0.1'],
      ['deployment.environment.name', 'prod'],
    ]);
    assert.deepEqual(agentIdentity(span, resource), {
      name: 'planner',
      id: 'a-1',
      env: 'staging',
      version: '2.0.1',
    });
    assert.deepEqual(agentIdentity(new Map(), resource), { env: 'prod', version: '2.0.1' });
  });
});
