import { scanJson } from '@headroom/core';

/** A piece of an original that a query can match: a line, or an item of a JSON array. */
export interface Unit {
  /** `L12` for line 12 (1-based), `[3]` for array item 3 (0-based, as in JSON). */
  readonly label: string;
  readonly text: string;
}

export interface Units {
  readonly kind: 'lines' | 'items';
  readonly units: readonly Unit[];
}

/**
 * Splits an original into what a query retrieves: the items of a top-level JSON array (each on
 * one line, whitespace removed, values exactly as written), or otherwise its lines.
 */
export function splitUnits(original: string): Units {
  if (original.trimStart().startsWith('[')) {
    const items = arrayItems(original);
    if (items) return { kind: 'items', units: items.map((text, i) => ({ label: `[${i}]`, text })) };
  }
  return { kind: 'lines', units: original.split('\n').map((text, i) => ({ label: `L${i + 1}`, text })) };
}

/** The top-level items of a JSON array, minified, or `undefined` when the text is not one array. */
function arrayItems(text: string): string[] | undefined {
  const scan = scanJson(text);
  if (!scan.ok || scan.documents !== 1 || !scan.minified.startsWith('[')) return undefined;
  const json = scan.minified;
  const items: string[] = [];
  let depth = 0;
  let start = 1;
  for (let i = 1; i < json.length - 1; i++) {
    const c = json[i];
    if (c === '"') {
      i++;
      while (json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
    } else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      items.push(json.slice(start, i));
      start = i + 1;
    }
  }
  if (json.length > 2) items.push(json.slice(start, json.length - 1));
  return items;
}
