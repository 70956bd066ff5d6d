import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** The size of an operation as written, every fragment counted once per spread (so spreading cannot hide fields). */
export interface QueryShape {
  /** Field selections, `__typename` and introspection included. */
  fields: number;
  /** Fields written with an alias (`a: device(...)`): each alias is one more execution of its field. */
  aliases: number;
  /** Levels of nested fields: `{ devices { nodes { id } } }` is 3. Introspection fields do not count: graphql-js's own
   * MaxIntrospectionDepthRule bounds them, and GraphiQL's schema query is 15 levels deep. */
  depth: number;
}

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * Measures in time linear in the document: each fragment is measured once and its numbers added at every spread.
 * Walking the expanded tree instead would let a few nested fragments spread twice each (a "fragment bomb") cost
 * exponential time before any limit could answer. Cycles cannot occur: validation refused them already.
 * @skip/@include are not evaluated: the shape is an upper bound of what could run.
 */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): QueryShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const measured = new Map<string, QueryShape>();

  function measure(selectionSet: SelectionSetNode, inIntrospection: boolean): QueryShape {
    const shape: QueryShape = { fields: 0, aliases: 0, depth: 0 };
    for (const selection of selectionSet.selections) {
      let inner: QueryShape;
      if (selection.kind === Kind.FIELD) {
        const introspection = inIntrospection || INTROSPECTION_ROOTS.has(selection.name.value);
        const below = selection.selectionSet ? measure(selection.selectionSet, introspection) : { fields: 0, aliases: 0, depth: 0 };
        inner = { fields: below.fields + 1, aliases: below.aliases + (selection.alias ? 1 : 0), depth: introspection ? 0 : below.depth + 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = measure(selection.selectionSet, inIntrospection);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment) continue;
        // Memoized per (fragment, context): the same fragment inside introspection measures differently.
        const key = `${inIntrospection ? 'i' : 'o'}:${name}`;
        inner = measured.get(key) ?? measure(fragment.selectionSet, inIntrospection);
        measured.set(key, inner);
      }
      shape.fields += inner.fields;
      shape.aliases += inner.aliases;
      shape.depth = Math.max(shape.depth, inner.depth);
    }
    return shape;
  }

  return measure(operation.selectionSet, false);
}
