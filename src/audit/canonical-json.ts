/**
 * Canonical JSON for ledger leaves: object keys sorted, no whitespace, `undefined` dropped.
 * The same event always encodes to the same bytes, so anyone can rebuild a leaf from its fields.
 * One pass that appends to a single string (no per-level arrays of parts to join); it runs for
 * every ledger entry, so the common cases are short-cut: keys already in order are not sorted
 * again, and the quoted form of a key seen before is looked up, not re-encoded.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('canonical JSON: non-finite number');
      // What JSON.stringify writes for a finite number (-0 included), without its generic path.
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? encodeArray(value) : encodeObject(value as Record<string, unknown>);
    default:
      // undefined, functions and symbols, as JSON.stringify writes them inside an array.
      return 'null';
  }
}

function encodeArray(value: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (i > 0) out += ',';
    out += v === undefined ? 'null' : canonicalJson(v);
  }
  return `${out}]`;
}

function encodeObject(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj);
  if (keys.length <= 16) insertionSort(keys);
  else keys.sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += quoteKey(k);
    out += ':';
    out += canonicalJson(v);
  }
  return `${out}}`;
}

/**
 * Sorts a short list in place by UTF-16 code units, as `Array.prototype.sort` does: for the few
 * keys of a ledger object, already in order or nearly, cheaper than the general sort.
 */
function insertionSort(keys: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}

/** Characters JSON.stringify writes as they are: not `"`, `\\`, a control character or a surrogate (lone ones are escaped). */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** JSON.stringify of a string: the same bytes, without its generic path for the common plain string. */
function quote(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** Quoted keys seen so far: ledger details reuse a small set of keys. Bounded, so odd keys cannot grow it. */
const quoted = new Map<string, string>();
const QUOTED_MAX = 4096;

function quoteKey(k: string): string {
  let q = quoted.get(k);
  if (q === undefined) {
    q = quote(k);
    if (quoted.size < QUOTED_MAX) quoted.set(k, q);
  }
  return q;
}
