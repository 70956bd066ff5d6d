import { buildSchema, getNamedType, getVariableValues, getNullableType, isInterfaceType, isListType, isObjectType, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { checkQuery } from '../../src/limits/checkQuery.js';
import { LIVE_FIELDS, PAGE_ARGUMENTS, UNPAGED_LIST_SIZES } from '../../src/limits/costModel.js';
import { estimateCost } from '../../src/limits/estimateCost.js';
import { measureOperation } from '../../src/limits/queryShape.js';
import { loadTypeDefs } from '../../src/schema.js';

/**
 * The cost model against the real schema, without a gateway: what each kind of selection is estimated to cost.
 * The HTTP tests in queryLimits.test.ts show the same numbers refusing queries before any upstream call.
 */

const schema = buildSchema(loadTypeDefs());
const sizes = { macConflicts: () => ({ conflicts: 4, devices: 9 }) };

function estimate(query: string, variables: Record<string, unknown> = {}, maxPageSize = 500) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  // As checkQuery hands them over: coerced, with the operation's defaults filled in.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables).coerced!;
  return estimateCost({ schema, document, operation, variables: coerced, sizes, maxPageSize });
}

describe('estimateCost', () => {
  it('counts one Graph request per device and live section, 20 to a $batch envelope', () => {
    const { estimate: e } = estimate('{ devices(first: 100) { nodes { id entra { id } intune { id } } } }');
    expect(e).toEqual({ devices: 100, graph: { entra: 100, intune: 100, total: 200, batches: 10 }, iotLiveReads: 0 });
  });

  it('uses the default page (50) and lets last decide over first, as the resolver does', () => {
    expect(estimate('{ devices { nodes { entra { id } } } }').estimate.graph.total).toBe(50);
    expect(estimate('{ devices(last: 7) { nodes { entra { id } } } }').estimate.graph.total).toBe(7);
  });

  it('counts nodes and edges, aliases and repeated fields separately (an upper bound)', () => {
    const { estimate: e } = estimate('{ devices(first: 10) { nodes { a: entra { id } b: entra { id } } edges { node { intune { id } } } } }');
    expect(e.graph).toEqual({ entra: 20, intune: 10, total: 30, batches: 2 });
  });

  it('multiplies nested lists: every run × every item × its device', () => {
    const { estimate: e } = estimate('{ syncRuns(first: 20) { nodes { items(first: 500) { nodes { device { entra { id } } } } } } }');
    expect(e.devices).toBe(10_000);
    expect(e.graph.total).toBe(10_000);
  });

  it('reads unpaged list lengths from the snapshot: every conflict and each of its devices', () => {
    const { estimate: e } = estimate('{ macConflicts { devices { entra { id } intune { id } } iotAsset { intune { id } } } }');
    expect(e.devices).toBe(9 + 4);
    expect(e.graph).toEqual({ entra: 9, intune: 13, total: 22, batches: 2 });
  });

  it('resolves variables, defaults included, and evaluates @skip/@include', () => {
    const q = 'query($n: Int = 30, $live: Boolean!) { devices(first: $n) { nodes { entra @include(if: $live) { id } intune @skip(if: $live) { id } } } }';
    expect(estimate(q, { n: 200, live: true }).estimate.graph).toMatchObject({ entra: 200, intune: 0 });
    expect(estimate(q, { live: false }).estimate.graph).toMatchObject({ entra: 0, intune: 30 });
  });

  it('follows fragment spreads and inline fragments wherever they are used', () => {
    const q = `
      fragment Live on Device { entra { id } }
      fragment Page on DeviceConnection { nodes { ...Live ... on Device { intune { id } } } }
      { devices(first: 40) { ...Page } one: device(id: "x") { ...Live } }`;
    expect(estimate(q).estimate.graph).toEqual({ entra: 41, intune: 40, total: 81, batches: 5 });
  });

  it('counts iot(live: true) reads, not snapshot reads', () => {
    expect(estimate('{ devices(first: 3) { nodes { iot { deviceId } } } }').estimate.iotLiveReads).toBe(0);
    expect(estimate('{ devices(first: 3) { nodes { iot(live: true) { deviceId } } } }').estimate.iotLiveReads).toBe(3);
  });

  it('reports a page argument over the limit, wherever it is', () => {
    expect(estimate('{ devices(first: 501) { totalCount } }').pageSizeViolation).toEqual({ coordinate: 'Query.devices', argument: 'first', value: 501 });
    expect(estimate('{ inventoryStatus { recentRefreshes(first: 90) { id } } }', {}, 50).pageSizeViolation).toMatchObject({ coordinate: 'InventoryStatus.recentRefreshes', value: 90 });
    expect(estimate('{ devices(first: 500) { totalCount } }').pageSizeViolation).toBeUndefined();
  });

  it('has a length rule for every list that can lead to a live section', () => {
    // A list reaching Device without a rule is costed at the page limit: safe, but a sign the model fell behind.
    const costly = new Set(Object.keys(LIVE_FIELDS).map((c) => c.split('.')[0]!));
    const leads = new Set<string>(costly);
    for (let grew = true; grew; ) {
      grew = false;
      for (const type of Object.values(schema.getTypeMap())) {
        if (leads.has(type.name) || !(isObjectType(type) || isInterfaceType(type))) continue;
        if (Object.values(type.getFields()).some((f) => leads.has(getNamedType(f.type).name))) grew = leads.add(type.name).size > 0;
      }
    }
    const unruled: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (!isListType(getNullableType(field.type)) || !leads.has(getNamedType(field.type).name)) continue;
        const paged = field.args.some((a) => (PAGE_ARGUMENTS as readonly string[]).includes(a.name));
        const inConnection = type.name.endsWith('Connection');
        if (!paged && !inConnection && !UNPAGED_LIST_SIZES[coordinate]) unruled.push(coordinate);
      }
    }
    expect(unruled).toEqual([]);
  });
});

describe('measureOperation', () => {
  const measure = (query: string) => {
    const document = parse(query);
    return measureOperation(document, document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!);
  };

  it('counts fields, aliases and depth as written, each fragment where it is spread', () => {
    expect(measure('{ devices { nodes { id a: name } } }')).toEqual({ fields: 4, aliases: 1, depth: 3 });
    expect(measure('fragment F on Device { x: id y: name } { device(id: "1") { ...F ...F } }')).toEqual({ fields: 5, aliases: 4, depth: 2 });
  });

  it('measures a fragment bomb in linear time, with its full expanded size', () => {
    const defs = ['fragment F0 on Device { id name }'];
    for (let i = 1; i <= 40; i++) defs.push(`fragment F${i} on Device { ...F${i - 1} ...F${i - 1} }`);
    const started = performance.now();
    const shape = measure(`${defs.join('\n')}\n{ device(id: "1") { ...F40 } }`);
    expect(performance.now() - started).toBeLessThan(100);
    expect(shape.fields).toBe(1 + 2 ** 41);
  });

  it('leaves introspection out of the depth (GraphiQL asks 15 levels deep)', () => {
    expect(measure('{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }').depth).toBe(0);
  });
});

describe('checkQuery', () => {
  const limits = loadConfig({}).limits;
  const check = (query: string, variables?: Record<string, unknown>) => {
    const document = parse(query);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    return checkQuery({ schema, document, operation, variables, limits, sizes });
  };

  it('refuses over the Graph budget with the numbers and what to change', () => {
    const verdict = check('{ syncRuns(first: 20) { nodes { items(first: 105) { nodes { device { entra { id } intune { id } } } } } } }');
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.refusal.code).toBe('LIMIT_EXCEEDED');
    expect(verdict.refusal.message).toBe(
      'this query could cause 4,200 Graph requests (210 $batch calls) for up to 2,100 devices; the limit is 1,000 (MAX_QUERY_GRAPH_REQUESTS). Ask for fewer devices or drop the entra/intune sections.',
    );
  });

  it('lets variables that do not coerce through: execution refuses them before any resolver', () => {
    expect(check('query($n: Int!) { devices(first: $n) { nodes { entra { id } } } }', { n: 'many' })).toEqual({ ok: true, estimate: undefined });
  });
});
