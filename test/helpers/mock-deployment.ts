/** A deployment served by the built-in mock provider (the `demo` model's provider). */
import type { Deployment } from '../../src/config/types.ts';

export function mockDeployment(modelName: string, fields: Partial<Deployment> = {}): Deployment {
  return {
    id: `${modelName}-mock`,
    modelName,
    provider: 'mock',
    model: modelName,
    litellmModel: `mock/${modelName}`,
    params: {},
    modelInfo: {},
    ...fields,
  };
}
