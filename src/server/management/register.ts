/**
 * The management API (LiteLLM's): keys, users, teams, organizations, end users, budgets, spend and
 * models. It needs a master key: without one every request is let through, so keys could be made but
 * never checked; the routes then answer 400 saying so.
 */
import type { FastifyInstance } from 'fastify';
import { sendError } from '../error-handler.ts';
import { registerBudgetRoutes } from './budgets.ts';
import type { Management } from './context.ts';
import { registerCustomerRoutes } from './customers.ts';
import { badInput } from './fields.ts';
import { registerKeyRoutes } from './keys.ts';
import { registerOrganizationRoutes } from './organizations.ts';
import { registerTeamMemberRoutes } from './team-members.ts';
import { registerTeamRoutes } from './teams.ts';
import { registerUserRoutes } from './users.ts';

export function registerManagementRoutes(
  app: FastifyInstance,
  m: Management,
  masterKey: string | undefined,
): void {
  app.register(async (scope) => {
    if (masterKey === undefined)
      scope.addHook('onRequest', async (_request, reply) =>
        sendError(
          reply,
          badInput(
            'Virtual keys need a master key: set general_settings.master_key (or LITELLM_MASTER_KEY) and restart.',
          ),
        ),
      );
    registerKeyRoutes(scope, m);
    registerUserRoutes(scope, m);
    registerTeamRoutes(scope, m);
    registerTeamMemberRoutes(scope, m);
    registerOrganizationRoutes(scope, m);
    registerCustomerRoutes(scope, m);
    registerBudgetRoutes(scope, m);
  });
}
