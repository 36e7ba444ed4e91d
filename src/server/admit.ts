/** The model routes' admission of a virtual key (accounts/admission.ts), in the route's terms. */
import type { FastifyRequest } from 'fastify';
import { asRefusal } from '../accounts/errors.ts';
import type { KeyGate } from '../accounts/key-gate.ts';
import { endUserOf } from '../accounts/spend-log.ts';
import type { HandleOptions } from '../gateway/gateway.ts';
import type { JsonObject } from '../shared/json.ts';
import { principalOf } from './principal.ts';
import type { Admit } from './routes/llm.ts';

export function admitWith(keys: KeyGate): Admit {
  return async (request: FastifyRequest, body: JsonObject, options: HandleOptions) => {
    const principal = principalOf(request);
    const endUser = endUserOf(body.user);
    if (principal === undefined) {
      if (endUser !== undefined)
        await keys.admitEndUser(options.callId, endUser, Date.now()).catch((err: unknown) => {
          throw asRefusal(err);
        });
      return body;
    }
    const model = typeof body.model === 'string' ? body.model : '';
    // Set before the checks: a refused request is traced and logged under its key too.
    options.caller = keys.callerOf(principal, endUserOf(body.user));
    const admission = await keys
      .admit(options.callId, principal, { model, endUser: endUserOf(body.user), now: Date.now() })
      .catch((err: unknown) => {
        throw asRefusal(err);
      });
    options.caller = admission.caller;
    return admission.model === model ? body : { ...body, model: admission.model };
  };
}
