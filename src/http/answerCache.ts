import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { BREAK, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context.js';

/** What the cache did with an operation, for metrics and the `x-answer-cache` header. */
export type AnswerCacheResult = 'hit' | 'miss' | 'uncacheable' | 'bypass';

export interface AnswerCacheOptions {
  /** Bytes of answers kept (their JSON length); 0 turns the cache off. */
  maxBytes: number;
  onResult?: (result: AnswerCacheResult) => void;
}

/** The root fields answered from the snapshot alone. */
const SNAPSHOT_ROOTS = new Set(['devices', 'device', 'deviceByMac', 'deviceStats', 'macConflicts', '__typename']);
/** Fields under them that call Graph: a query selecting one is answered fresh every time. */
const LIVE_FIELDS = new Set(['Device.entra', 'Device.intune']);

type Answer = Record<string, unknown>;

/**
 * Dashboards send the same queries over and over, and between two writes to the store their answers cannot
 * differ. A query that reads only the snapshot (the device list and lookups, stats, MAC conflicts; no `entra` or
 * `intune` section, no `iot(live: true)`) is answered from here when the same text, variables and role were
 * answered under the same store version: any write (a refresh, a sync's ledger, an API key's last use) starts
 * over. Everything before execution still runs for a cached answer: authentication, the role check, the query
 * limits. Answers with errors are never kept. A request with `Cache-Control: no-cache` (or `no-store`) is
 * executed and its answer not kept.
 */
export function answerCachePlugin(options: AnswerCacheOptions): ApolloServerPlugin<GatewayContext> {
  if (options.maxBytes <= 0) return {};
  const answers = new LRUCache<string, { answer: Answer; bytes: number }>({ maxSize: options.maxBytes, sizeCalculation: (entry) => entry.bytes });
  const cacheable = new WeakMap<DocumentNode, Map<OperationDefinitionNode, boolean>>();
  const readsSnapshotOnly = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean => {
    let known = cacheable.get(document);
    if (!known) cacheable.set(document, (known = new Map()));
    let verdict = known.get(operation);
    if (verdict === undefined) known.set(operation, (verdict = snapshotOnly(schema, document, operation)));
    return verdict;
  };

  return {
    async requestDidStart() {
      let key: string | null = null;
      let result: AnswerCacheResult = 'uncacheable';
      return {
        async responseForOperation({ schema, document, operation, request, contextValue, queryHash }) {
          if (!readsSnapshotOnly(schema, document, operation)) return null;
          if (/\bno-(cache|store)\b/i.test(request.http?.headers.get('cache-control') ?? '')) {
            result = 'bypass';
            return null;
          }
          const version = contextValue.store.readVersion();
          if (version === null) return null;
          key = JSON.stringify([version, contextValue.principal.role, queryHash, request.operationName ?? null, request.variables ?? {}]);
          const known = answers.get(key);
          if (!known) {
            result = 'miss';
            return null;
          }
          result = 'hit';
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: known.answer } };
        },
        async willSendResponse({ response }) {
          if (result !== 'uncacheable') response.http.headers.set('x-answer-cache', result);
          options.onResult?.(result);
          if (result !== 'miss' || key === null) return;
          const { body, http } = response;
          if (body.kind !== 'single' || body.singleResult.errors || (http.status !== undefined && http.status !== 200)) return;
          answers.set(key, { answer: body.singleResult as Answer, bytes: JSON.stringify(body.singleResult).length });
        },
      };
    },
  };
}

/** True when every field the operation selects is read from the snapshot (fragments included). */
function snapshotOnly(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== 'query') return false;
  const queryType = schema.getQueryType()?.name;
  const typeInfo = new TypeInfo(schema);
  let verdict = true;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      // Another operation in the same document does not run; fragments are checked whoever spreads them.
      OperationDefinition: (node) => (node === operation ? undefined : false),
      Field(node) {
        const parent = typeInfo.getParentType()?.name;
        const name = node.name.value;
        const live =
          (parent === queryType && !SNAPSHOT_ROOTS.has(name)) ||
          LIVE_FIELDS.has(`${parent}.${name}`) ||
          (parent === 'Device' && name === 'iot' && node.arguments?.some((a) => a.name.value === 'live' && !(a.value.kind === 'BooleanValue' && !a.value.value)));
        if (!live) return undefined;
        verdict = false;
        return BREAK;
      },
    }),
  );
  return verdict;
}
