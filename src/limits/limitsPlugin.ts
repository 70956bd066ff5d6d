import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { QueryLimits } from '../config.js';
import { beforeExecution, GatewayError } from '../errors.js';
import { checkQuery, type Refusal } from './checkQuery.js';
import type { ListSizes } from './costModel.js';
import type { CostEstimate } from './estimateCost.js';

export interface LimitsPluginOptions {
  limits: QueryLimits;
  sizes: ListSizes;
  /** Each operation's estimate, when it could be made (for metrics: how close queries come to the limit). */
  onEstimate?: (estimate: CostEstimate) => void;
  onRefused?: (refusal: Refusal) => void;
}

/**
 * Refuses an operation over a limit after Apollo has parsed and validated it and picked the operation, and before
 * it executes: no resolver runs, so no upstream call is made. Answered with HTTP 400 and the refusal's code.
 */
export function queryLimitsPlugin<TContext extends BaseContext>(options: LimitsPluginOptions): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return; // Apollo answers "no operation" itself, before anything runs
          const verdict = checkQuery({ schema, document, operation, variables: request.variables, limits: options.limits, sizes: options.sizes });
          if (verdict.estimate) options.onEstimate?.(verdict.estimate);
          if (verdict.ok) return;
          options.onRefused?.(verdict.refusal);
          const { code, message, extensions } = verdict.refusal;
          // formatError unwraps the GatewayError: the client sees its message, code and numbers.
          throw beforeExecution(new GatewayError(code, message, extensions), 400);
        },
      };
    },
  };
}
