import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GatewayContext } from '../context.js';
import { beforeExecution, forbidden, type GatewayError } from '../errors.js';
import type { Principal } from './principal.js';
import { hasRole, roleForRootField, type Role } from './roles.js';

function refusal(principal: Principal, needed: Role, what: string): GatewayError {
  const held = principal.role ? `the ${principal.role} role` : 'no gateway role';
  return forbidden(`${what} needs the ${needed} role; ${principal.name} has ${held}`, { requiredRole: needed.toUpperCase() });
}

/**
 * Field-level check, for resolvers: throws FORBIDDEN, so the field is null with a located error and the rest of
 * the answer arrives.
 */
export function requireRole(principal: Principal, needed: Role, what: string): void {
  if (!hasRole(principal.role, needed)) throw refusal(principal, needed, what);
}

/** The operation's root fields, through inline fragments and fragment spreads. */
function rootFields(operation: OperationDefinitionNode, document: DocumentNode): FieldNode[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const fields: FieldNode[] = [];
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return fields;
}

/**
 * Operation-level check, before anything runs: a root field the caller's role does not allow refuses the whole
 * operation with HTTP 403 and FORBIDDEN, so a reader's syncDevices never starts a run. A field under @skip counts
 * too: the check reads the document, not the variables.
 */
export function authorizationPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          // Apollo resolves the operation before this hook; without one nothing will execute.
          if (!operation) return;
          for (const field of rootFields(operation, document)) {
            const needed = roleForRootField(operation.operation, field.name.value);
            if (needed !== null && !hasRole(contextValue.principal.role, needed)) {
              throw beforeExecution(refusal(contextValue.principal, needed, field.name.value), 403, field);
            }
          }
        },
      };
    },
  };
}
