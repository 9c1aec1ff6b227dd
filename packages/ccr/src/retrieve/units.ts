import { jsonStringEnd, scanJson } from '@headroom/core';

/** A piece of an original that a query can match: a line, or an item of a JSON array. */
export interface Unit {
  /** `L12` for line 12 (1-based); `[3]` for item 3 of the document's largest array (0-based). */
  readonly label: string;
  readonly text: string;
}

export interface Units {
  readonly kind: 'lines' | 'items';
  readonly units: readonly Unit[];
}

/**
 * Splits an original into what a query retrieves: for JSON, the items of its largest array
 * (each on one line, whitespace removed, values exactly as written) — the records an API
 * response is made of; otherwise its lines.
 */
export function splitUnits(original: string): Units {
  const head = original.trimStart();
  if (head.startsWith('[') || head.startsWith('{')) {
    const items = largestArrayItems(original);
    if (items && items.length > 1) return { kind: 'items', units: items.map((text, i) => ({ label: `[${i}]`, text })) };
  }
  return { kind: 'lines', units: original.split('\n').map((text, i) => ({ label: `L${i + 1}`, text })) };
}

/** The minified items of the array with the most items in a single JSON document. */
function largestArrayItems(text: string): string[] | undefined {
  const scan = scanJson(text);
  if (!scan.ok || scan.documents !== 1) return undefined;
  const json = scan.minified;
  // Item boundaries of every open array, tracked on an explicit stack.
  const open: { starts: number[]; isArray: boolean }[] = [];
  let best: { starts: number[]; end: number } | undefined;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      i = jsonStringEnd(json, i) - 1;
    } else if (c === '[' || c === '{') {
      open.push({ starts: [i + 1], isArray: c === '[' });
    } else if (c === ',') {
      const top = open[open.length - 1];
      if (top?.isArray) top.starts.push(i + 1);
    } else if (c === ']' || c === '}') {
      const top = open.pop();
      if (top?.isArray && json[i - 1] !== '[' && (!best || top.starts.length > best.starts.length)) {
        best = { starts: top.starts, end: i };
      }
    }
  }
  if (!best) return undefined;
  const { starts, end } = best;
  return starts.map((s, k) => json.slice(s, k + 1 < starts.length ? (starts[k + 1] as number) - 1 : end));
}
