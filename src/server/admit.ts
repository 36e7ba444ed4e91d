/** The model routes' admission of a virtual key (accounts/admission.ts), in the route's terms. */
import type { FastifyRequest } from 'fastify';
import { asRefusal, modelAccessDenied } from '../accounts/errors.ts';
import type { KeyGate } from '../accounts/key-gate.ts';
import { modelsOf } from '../accounts/model-access.ts';
import { endUserOf } from '../accounts/spend-log.ts';
import type { HandleOptions } from '../gateway/gateway.ts';
import { isJsonObject, type JsonObject } from '../shared/json.ts';
import { principalOf } from './principal.ts';
import type { Admit } from './routes/llm.ts';

export function admitWith(keys: KeyGate): Admit {
  return async (request: FastifyRequest, body: JsonObject, options: HandleOptions) => {
    const principal = principalOf(request);
    const endUser = endUserOf(body.user);
    if (principal === undefined) {
      if (endUser !== undefined)
        options.allowedModelRegion = await keys
          .admitEndUser(options.callId, endUser, Date.now())
          .catch((err: unknown) => {
            throw asRefusal(err);
          });
      return body;
    }
    const model = typeof body.model === 'string' ? body.model : '';
    // Set before the checks: a refused request is traced and logged under its key too.
    const caller = keys.callerOf(principal, endUser);
    options.caller = caller;
    // As LiteLLM: a client-side fallback is a model the key must be allowed too, checked up front.
    for (const fallback of fallbackModels(body.fallbacks))
      if (!keys.mayUse(principal, fallback))
        throw modelAccessDenied('key', fallback, modelsOf(principal.key));
    const admission = await keys
      .admit(options.callId, principal, { model, endUser, now: Date.now() })
      .catch((err: unknown) => {
        throw asRefusal(err);
      });
    caller.keySpend = admission.keySpend;
    options.allowedModelRegion = admission.region;
    return admission.model === model ? body : { ...body, model: admission.model };
  };
}

/** The models a request's `fallbacks` names: groups, and `{ "model": group, … }` entries. */
function fallbackModels(fallbacks: unknown): string[] {
  if (!Array.isArray(fallbacks)) return [];
  const models: string[] = [];
  for (const item of fallbacks) {
    if (typeof item === 'string') models.push(item);
    else if (isJsonObject(item) && typeof item.model === 'string') models.push(item.model);
  }
  return models;
}
