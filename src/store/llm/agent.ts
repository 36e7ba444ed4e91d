/**
 * The agent's identity (OpenObserve's `agent.rs`): name, id, environment and version, each from its
 * GenAI key, then the frameworks' keys, on the span and then on its resource. OpenObserve's
 * per-organisation extra keys (its agent mapping setting) do not exist here.
 */
import { ENVIRONMENT, GEN_AI } from './attributes.ts';
import { type Attrs, nonEmpty } from './values.ts';

export interface AgentIdentity {
  name?: string;
  id?: string;
  env?: string;
  version?: string;
}

const NAME = [GEN_AI.agentName, 'agent.name', 'llm.agent.name', 'gcp.vertex.agent.name', 'crewai.task.agent'];
const ID = [GEN_AI.agentId, 'agent.id', 'agent_id', 'llm.agent.id', 'llm.agent_id'];
const ENV = [ENVIRONMENT, 'deployment.environment', 'env', 'environment', 'k8s.namespace.name'];
/** `service.version` is on most resources, so most LLM spans get an agent version. */
const VERSION = [GEN_AI.agentVersion, 'service.version', 'app.version', 'git.commit.sha'];

export function agentIdentity(attrs: Attrs, resource: Attrs): AgentIdentity {
  const out: AgentIdentity = {};
  const set = (field: keyof AgentIdentity, keys: readonly string[]) => {
    const value = firstNonEmpty(attrs, keys) ?? firstNonEmpty(resource, keys);
    if (value !== undefined) out[field] = value;
  };
  set('name', NAME);
  set('id', ID);
  set('env', ENV);
  set('version', VERSION);
  return out;
}

function firstNonEmpty(attrs: Attrs, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = nonEmpty(attrs.get(key));
    if (value !== undefined) return value;
  }
  return undefined;
}
