import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GatewayMetrics } from './gatewayMetrics.js';

/**
 * Counts each GraphQL operation as answered: its type and name (`__anonymous__` without one, `__unresolved__`
 * when parsing or validation failed before an operation was found), its time, and the code of each error in the
 * answer after formatError, i.e. what the client saw.
 */
export function graphqlMetricsPlugin<TContext extends BaseContext>(metrics: GatewayMetrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, response }) {
          const type = operation?.operation ?? 'unresolved';
          const name = operation ? (operation.name?.value ?? '__anonymous__') : '__unresolved__';
          metrics.graphqlOperation(type, name, (performance.now() - started) / 1000);
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          for (const error of errors ?? []) metrics.graphqlError(error.extensions?.code);
        },
      };
    },
  };
}
