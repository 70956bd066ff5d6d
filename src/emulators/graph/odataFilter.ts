/**
 * The OData `$filter` subset Graph's directory and Intune accept: comparisons, `in`, startsWith/endsWith/
 * contains, and/or/not, parentheses. Parsing is generic; which property may use which operator is each
 * collection's rule (see devicesQuery.ts, managedDevicesQuery.ts), as it is in Graph.
 */
export type Literal = string | number | boolean | null;
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FunctionName = 'startswith' | 'endswith' | 'contains';

export type FilterNode =
  | { kind: 'compare'; op: CompareOp; property: string; value: Literal }
  | { kind: 'in'; property: string; values: Literal[] }
  | { kind: 'function'; name: FunctionName; property: string; value: string }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode };

export type FilterLeaf = Extract<FilterNode, { property: string }>;

export class FilterSyntaxError extends Error {}

type Token = { type: 'punct'; text: '(' | ')' | ',' } | { type: 'word'; text: string } | { type: 'literal'; value: Literal };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set<string>(['startswith', 'endswith', 'contains']);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/;
const NUMBER = /^-?\d+(?:\.\d+)?(?![\w-])/;
const WORD = /^[A-Za-z_$][\w$./]*/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', text: ch });
      i++;
    } else if (ch === "'") {
      // OData escapes a quote inside a string by doubling it.
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new FilterSyntaxError('unterminated string literal');
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      tokens.push({ type: 'literal', value });
      i = j + 1;
    } else {
      const m = DATE_TIME.exec(rest) ?? NUMBER.exec(rest);
      if (m) {
        tokens.push({ type: 'literal', value: DATE_TIME.test(m[0]) ? m[0] : Number(m[0]) });
        i += m[0].length;
        continue;
      }
      const w = WORD.exec(rest);
      if (!w) throw new FilterSyntaxError(`unexpected '${ch}'`);
      const lower = w[0].toLowerCase();
      if (lower === 'true' || lower === 'false') tokens.push({ type: 'literal', value: lower === 'true' });
      else if (lower === 'null') tokens.push({ type: 'literal', value: null });
      else tokens.push({ type: 'word', text: w[0] });
      i += w[0].length;
    }
  }
  return tokens;
}

class Parser {
  #pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.#or();
    if (this.#pos < this.tokens.length) throw new FilterSyntaxError('unexpected text after the expression');
    return node;
  }

  #peekWord(): string | undefined {
    const t = this.tokens[this.#pos];
    return t?.type === 'word' ? t.text.toLowerCase() : undefined;
  }

  #expectPunct(text: '(' | ')' | ','): void {
    const t = this.tokens[this.#pos++];
    if (t?.type !== 'punct' || t.text !== text) throw new FilterSyntaxError(`expected '${text}'`);
  }

  #isPunct(text: '(' | ')' | ','): boolean {
    const t = this.tokens[this.#pos];
    return t?.type === 'punct' && t.text === text;
  }

  #literal(): Literal {
    const t = this.tokens[this.#pos++];
    if (t?.type !== 'literal') throw new FilterSyntaxError('expected a literal');
    return t.value;
  }

  #property(): string {
    const t = this.tokens[this.#pos++];
    if (t?.type !== 'word') throw new FilterSyntaxError('expected a property');
    return t.text;
  }

  #or(): FilterNode {
    let left = this.#and();
    while (this.#peekWord() === 'or') {
      this.#pos++;
      left = { kind: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): FilterNode {
    let left = this.#unary();
    while (this.#peekWord() === 'and') {
      this.#pos++;
      left = { kind: 'and', left, right: this.#unary() };
    }
    return left;
  }

  #unary(): FilterNode {
    if (this.#peekWord() === 'not') {
      this.#pos++;
      return { kind: 'not', operand: this.#unary() };
    }
    if (this.#isPunct('(')) {
      this.#pos++;
      const inner = this.#or();
      this.#expectPunct(')');
      return inner;
    }
    const word = this.#peekWord();
    const next = this.tokens[this.#pos + 1];
    if (word && FUNCTIONS.has(word) && next?.type === 'punct' && next.text === '(') {
      this.#pos += 2;
      const property = this.#property();
      this.#expectPunct(',');
      const value = this.#literal();
      this.#expectPunct(')');
      if (typeof value !== 'string') throw new FilterSyntaxError(`${word} takes a string`);
      return { kind: 'function', name: word as FunctionName, property, value };
    }
    const property = this.#property();
    const op = this.#peekWord();
    if (op === 'in') {
      this.#pos++;
      this.#expectPunct('(');
      const values = [this.#literal()];
      while (this.#isPunct(',')) {
        this.#pos++;
        values.push(this.#literal());
      }
      this.#expectPunct(')');
      return { kind: 'in', property, values };
    }
    if (!op || !COMPARE_OPS.has(op)) throw new FilterSyntaxError('expected a comparison operator');
    this.#pos++;
    return { kind: 'compare', op: op as CompareOp, property, value: this.#literal() };
  }
}

/** Parses a `$filter` value; throws FilterSyntaxError for anything outside the subset. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new FilterSyntaxError('empty filter');
  return new Parser(tokens).parse();
}

/** Every node of the tree, parents first: rule checks look for operators and properties anywhere in it. */
export function* walk(node: FilterNode): Generator<FilterNode> {
  yield node;
  if (node.kind === 'and' || node.kind === 'or') {
    yield* walk(node.left);
    yield* walk(node.right);
  } else if (node.kind === 'not') {
    yield* walk(node.operand);
  }
}

/** The same tree with every property renamed, e.g. to the schema's casing (Graph matches names case-insensitively). */
export function renameProperties(node: FilterNode, rename: (property: string) => string): FilterNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, left: renameProperties(node.left, rename), right: renameProperties(node.right, rename) };
    case 'not':
      return { kind: 'not', operand: renameProperties(node.operand, rename) };
    default:
      return { ...node, property: rename(node.property) };
  }
}

export function leaves(node: FilterNode): FilterLeaf[] {
  return [...walk(node)].filter((n): n is FilterLeaf => 'property' in n);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T/;

/** -1/0/1, comparing dates as instants and strings case-insensitively as the directory does; undefined if incomparable. */
function compareTo(actual: unknown, expected: Literal): number | undefined {
  if (actual === null || actual === undefined || expected === null) return undefined;
  if (typeof actual === 'string' && typeof expected === 'string') {
    if (ISO_DATE.test(actual) && ISO_DATE.test(expected)) return Math.sign(Date.parse(actual) - Date.parse(expected));
    const a = actual.toLowerCase();
    const b = expected.toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof actual === 'number' && typeof expected === 'number') return Math.sign(actual - expected);
  if (typeof actual === 'boolean' && typeof expected === 'boolean') return Number(actual) - Number(expected);
  return undefined;
}

function equals(actual: unknown, expected: Literal): boolean {
  if (expected === null) return actual === null || actual === undefined;
  return compareTo(actual, expected) === 0;
}

export function matches(node: FilterNode, item: Readonly<Record<string, unknown>>): boolean {
  switch (node.kind) {
    case 'and':
      return matches(node.left, item) && matches(node.right, item);
    case 'or':
      return matches(node.left, item) || matches(node.right, item);
    case 'not':
      return !matches(node.operand, item);
    case 'in':
      return node.values.some((v) => equals(item[node.property], v));
    case 'function': {
      const actual = item[node.property];
      if (typeof actual !== 'string') return false;
      const a = actual.toLowerCase();
      const v = node.value.toLowerCase();
      return node.name === 'startswith' ? a.startsWith(v) : node.name === 'endswith' ? a.endsWith(v) : a.includes(v);
    }
    case 'compare': {
      if (node.op === 'eq') return equals(item[node.property], node.value);
      if (node.op === 'ne') return !equals(item[node.property], node.value);
      const c = compareTo(item[node.property], node.value);
      if (c === undefined) return false;
      return node.op === 'gt' ? c > 0 : node.op === 'ge' ? c >= 0 : node.op === 'lt' ? c < 0 : c <= 0;
    }
  }
}
