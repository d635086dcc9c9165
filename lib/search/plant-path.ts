// Reads a search parameter's FHIRPath expression as something the planter can write into: branches of dotted steps
// (`X.a.ofType(T)`, `(X.a as T)`, `X.a.where(system='email')`, `X.subject.where(reference.contains('Patient/'))`,
// `X.item.where(extension('url').exists())`). Anything else (other exists() and extension() uses, and/or, resolve()
// chains) is unplantable: the search suite reports not-run.

export interface Step {
  name: string;
  /** `ofType(T)` / `as T` right after this step. */
  ofType?: string;
  /** `where(field='value')` filters on this step's node. */
  equals?: { field: string; value: string }[];
  /** `where(reference.contains('Patient/'))` / `where(resolve() is Patient)`: the reference must name this text/type. */
  refContains?: string;
  refType?: string;
  /** `where(extension('url').exists())`: this step's node carries that extension. */
  extension?: string;
}

export interface Branch {
  /** Resource type the branch starts from; '' = the resource itself without a type name; null = relative (components). */
  root: string | null;
  steps: Step[];
}

export class Unplantable extends Error {
  override name = 'Unplantable';
}

/** Splits at top level (outside parentheses and quotes) on `sep`. */
export function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0, quote = false, cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" && text[i - 1] !== '\\') quote = !quote;
    if (!quote) {
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (depth === 0 && text.startsWith(sep, i)) {
        out.push(cur);
        cur = '';
        i += sep.length - 1;
        continue;
      }
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** The text with every where(...) argument removed (balanced), so operators inside filters are not seen. */
function withoutWhere(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('where(', i)) {
      let depth = 0, j = i + 5;
      for (; j < text.length; j++) {
        if (text[j] === '(') depth++;
        else if (text[j] === ')' && --depth === 0) break;
      }
      out += 'where()';
      i = j;
      continue;
    }
    out += text[i];
  }
  return out;
}

function stripOuterParens(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')')) {
    let depth = 0, wraps = true;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === '(') depth++;
      else if (t[i] === ')') depth--;
      if (depth === 0 && i < t.length - 1) { wraps = false; break; }
    }
    if (!wraps) break;
    t = t.slice(1, -1).trim();
  }
  return t;
}

/** `(A | B).first()` → branches A, B; the first() only narrows which of them a server takes, not where to plant. */
export function branches(expression: string, relative = false): Branch[] {
  let text = stripOuterParens(expression);
  // Boolean-valued tokens (`Patient.deceased != false`, `X.deceased.exists() and X.deceased != false`): a boolean at X.deceased.
  const bool = /^([\w.]+)\.exists\(\)\s+and\s+\1\s*!=\s*false$/.exec(text) ?? /^([\w.]+)\s*!=\s*false$/.exec(text);
  if (bool) text = `${bool[1]}.ofType(boolean)`;
  if (/\.first\(\)$/.test(text)) text = stripOuterParens(text.replace(/\.first\(\)$/, ''));
  const parts = splitTop(text, '|').map((p) => p.trim());
  if (parts.some((p) => !p)) throw new Unplantable(`expression "${expression}" has an empty union branch`);
  return parts.map((p) => branch(p, relative));
}

/** The branches of an expression, or undefined when it is not a path the planter can read (operators, functions). */
export function pathBranches(expression: string): Branch[] | undefined {
  try {
    return branches(expression);
  } catch (e) {
    if (e instanceof Unplantable) return undefined;
    throw e;
  }
}

function branch(text: string, relative: boolean): Branch {
  let t = stripOuterParens(text);
  // `X.a as T` (whole branch) and `(X.a as T).b`.
  const asWhole = /^(.*\S)\s+as\s+([A-Za-z]+)$/.exec(t);
  if (asWhole && !splitTop(asWhole[1]!, ' as ').slice(1).length) t = `${stripOuterParens(asWhole[1]!)}.ofType(${asWhole[2]})`;
  const asInner = /^\((.*\S)\s+as\s+([A-Za-z]+)\)(.*)$/.exec(t);
  if (asInner) t = `${asInner[1]}.ofType(${asInner[2]})${asInner[3]}`;
  if (/\s(and|or|is|as|implies|xor)\s|!=|>|</.test(withoutWhere(t))) {
    throw new Unplantable(`expression "${text}" is not a path (operators)`);
  }
  const segs = splitTop(t, '.').map((s) => s.trim());
  let root: string | null = null;
  // A path without its type in front (`id`, `requestedPeriod.start` inside a union) starts at the resource.
  if (!relative && /^[a-z]/.test(segs[0] ?? '')) root = '';
  else if (!relative) {
    const first = segs.shift()!;
    if (!/^[A-Z][A-Za-z]*$/.test(first)) throw new Unplantable(`expression "${text}" does not start at a resource type`);
    root = first;
  }
  const steps: Step[] = [];
  for (const seg of segs) {
    const fn = /^([a-zA-Z]+)\((.*)\)$/.exec(seg);
    if (!fn) {
      if (!/^[a-z][A-Za-z0-9]*$/.test(seg)) throw new Unplantable(`cannot plant at "${seg}" in "${text}"`);
      steps.push({ name: seg });
      continue;
    }
    const last = steps[steps.length - 1];
    const [, name, arg] = fn as unknown as [string, string, string];
    if (!last) throw new Unplantable(`"${seg}" before any element in "${text}"`);
    if (name === 'ofType') {
      last.ofType = arg.trim().replace(/^FHIR\./, '');
    } else if (name === 'where') {
      const eq = /^\s*([a-z][A-Za-z]*)\s*=\s*'([^']*)'\s*$/.exec(arg);
      const contains = /^\s*reference\.(?:contains|startsWith)\('([^']*)'\)\s*$/.exec(arg);
      const isType = /^\s*resolve\(\)\s+is\s+(?:FHIR\.)?([A-Z][A-Za-z]+)\s*$/.exec(arg);
      const ext = /^\s*extension\('([^']+)'\)\.exists\(\)\s*$/.exec(arg);
      if (eq) (last.equals ??= []).push({ field: eq[1]!, value: eq[2]! });
      else if (ext) last.extension = ext[1]!;
      else if (contains) last.refContains = contains[1]!;
      else if (isType) last.refType = isType[1]!;
      else throw new Unplantable(`unsupported filter where(${arg}) in "${text}"`);
    } else {
      throw new Unplantable(`unsupported function ${name}() in "${text}"`);
    }
  }
  return { root, steps };
}
