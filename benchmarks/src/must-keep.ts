/**
 * What must stay visible when a request's JSON collections are compressed, checked from the
 * original and the compressed request alone: the first and last member of every array of
 * records, one member of each distinct error (members alike but for numbers and ids are one
 * error), every member of an unusual shape, and every value of each categorical field — shown
 * by a member or counted in a marker.
 */

const ERROR = /\b(error|errors|failed|failure|exception|fatal|critical|denied|timeout|timed out|invalid|panic)\b/i;
const VARYING = /[0-9a-f]*\d[0-9a-f]*/gi;
/** Arrays shorter than this are never cut, so there is nothing to check. */
const SMALL = 13;
const CATEGORY_VALUES = 12;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every string value anywhere in a request: message texts, tool results, block texts. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** The JSON arrays among a request's string values. */
function jsonArrays(request: unknown): Json[][] {
  const out: Json[][] = [];
  for (const text of strings(request)) {
    if (!/^\s*\[/.test(text)) continue;
    try {
      const parsed = JSON.parse(text) as Json;
      if (Array.isArray(parsed)) out.push(parsed);
    } catch {
      // not JSON: nothing to check
    }
  }
  return out;
}

/** The arrays of records (objects) worth checking. */
function recordArrays(request: unknown): Record<string, Json>[][] {
  return jsonArrays(request).filter(
    (a): a is Record<string, Json>[] =>
      a.length >= SMALL && a.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x)),
  );
}

/** The items a compressed request must still show, each with why; those it does not. */
export function missingMustKeep(original: unknown, compressed: unknown): string[] {
  // Members as re-serialised from the compressed arrays (so `1.0` and `1` compare equal), and the
  // markers among them.
  const members = new Set(jsonArrays(compressed).flatMap((a) => a.map((m) => JSON.stringify(m))));
  const haystack = [...members].join('\n');
  const shown = (item: Json) => members.has(JSON.stringify(item));
  const missing: string[] = [];
  recordArrays(original).forEach((items, a) => {
    const where = `array ${a} (${items.length} records)`;
    for (const [why, item] of [
      ['first', items[0]],
      ['last', items.at(-1)],
    ] as const) {
      if (!shown(item as Json)) missing.push(`${where}: the ${why} record`);
    }
    const errors = new Map<string, Json[]>();
    for (const item of items) {
      const text = JSON.stringify(item);
      if (!ERROR.test(text)) continue;
      const kind = text.replace(VARYING, '#');
      errors.set(kind, [...(errors.get(kind) ?? []), item]);
    }
    for (const [kind, members] of errors) {
      if (!members.some(shown)) missing.push(`${where}: an error like ${kind.slice(0, 80)}`);
    }
    const shapes = new Map<string, Json[]>();
    for (const item of items) {
      const shape = Object.keys(item).join(',');
      shapes.set(shape, [...(shapes.get(shape) ?? []), item]);
    }
    const rare = Math.max(1, Math.floor(items.length * 0.02));
    for (const [shape, members] of shapes) {
      if (members.length <= rare && !members.every(shown)) missing.push(`${where}: a record with keys ${shape}`);
    }
    for (const [field, values] of categoricalFields(items)) {
      for (const value of values) {
        const asMember = `"${field}":${JSON.stringify(value)}`;
        const asCount = `${field}=${typeof value === 'string' ? value : JSON.stringify(value)}:`;
        if (!haystack.includes(asMember) && !haystack.includes(asCount))
          missing.push(`${where}: the value ${asMember}`);
      }
    }
  });
  return missing;
}

/** Top-level scalar fields with 2 to 12 distinct values that repeat (at most half as many as the members holding the field). */
function categoricalFields(items: readonly Record<string, Json>[]): Map<string, Set<Json>> {
  const fields = new Map<string, Set<Json>>();
  const holders = new Map<string, number>();
  for (const item of items) {
    for (const [k, v] of Object.entries(item)) {
      if (v !== null && typeof v === 'object') continue;
      const values = fields.get(k) ?? new Set<Json>();
      values.add(v);
      fields.set(k, values);
      holders.set(k, (holders.get(k) ?? 0) + 1);
    }
  }
  for (const [k, values] of fields) {
    if (values.size < 2 || values.size > CATEGORY_VALUES || values.size > (holders.get(k) as number) / 2)
      fields.delete(k);
  }
  return fields;
}
