import {
  fixedWidthCells,
  fixedWidthLayout,
  formatMarker,
  hasMarkers,
  queryAnchors,
  type Transform,
  weightedQueryTerms,
} from '@headroom/core';
import type { JsonNode } from '../json/json-tree.js';
import { categoricalDetail, memberBudget, SMALL_COLLECTION, selectMembers } from '../select/members.js';

interface Table {
  /** Lines that always stay: the header (and a Markdown table's separator row). */
  readonly head: readonly string[];
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  cells(row: string): string[];
  /** Lines after the table (a trailing newline's empty line). */
  readonly tail: readonly string[];
}

/**
 * Tables (CSV, TSV, Markdown, and fixed-width ones such as `dpkg -l`, `ps aux`, `kubectl get`) stay tables: the header always stays, rows are chosen like JSON
 * items — first and last, rows with failures, rare values of categorical columns, numeric
 * outliers, rows matching the query, an evenly spread sample — and kept rows are verbatim.
 * Omitted rows are counted in marker lines with per-value counts of categorical columns.
 */
export function createTableCrusher(): Transform {
  return {
    specificationVersion: 'v1',
    name: 'table-crusher',
    version: '1',
    contentTypes: ['table'],
    compress({ text, query, toolName }, { retrievalKey, tokenizer }) {
      if (hasMarkers(text)) return { text };
      const table = readTable(text);
      if (!table || table.rows.length <= SMALL_COLLECTION || table.rows.length <= memberBudget(table.rows.length))
        return { text };
      const nodes = table.rows.map((row) => rowNode(table.columns, table.cells(row)));
      const keep = selectMembers(table.rows, nodes, {
        anchors: queryAnchors(query),
        terms: weightedQueryTerms(query, toolName),
        key: retrievalKey,
      });
      const out = [...table.head];
      let i = 0;
      while (i < table.rows.length) {
        if (keep[i]) {
          out.push(table.rows[i] as string);
          i++;
          continue;
        }
        let j = i;
        while (j < table.rows.length && !keep[j]) j++;
        const detail = categoricalDetail(nodes.slice(i, j));
        out.push(
          formatMarker({
            omitted: j - i,
            total: table.rows.length,
            unit: 'rows',
            ...(detail ? { detail } : {}),
            ...(retrievalKey ? { key: retrievalKey } : {}),
          }),
        );
        i = j;
      }
      const crushed = [...out, ...table.tail].join('\n');
      // Rows shorter than a marker can make a cut table longer: then it stays whole.
      return { text: tokenizer.count(crushed) < tokenizer.count(text) ? crushed : text };
    },
  };
}

function readTable(text: string): Table | undefined {
  const lines = text.split('\n');
  const tail: string[] = [];
  while (lines.length && !(lines[lines.length - 1] as string).trim()) tail.unshift(lines.pop() as string);
  if (lines.length < 3) return undefined;
  const first = lines[0] as string;
  if (/^\s*\|.*\|\s*$/.test(first) && /^\s*\|?[\s:|-]+\|?\s*$/.test(lines[1] ?? '')) {
    const cells = (row: string) =>
      row
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim());
    return { head: lines.slice(0, 2), rows: lines.slice(2), columns: cells(first), cells, tail };
  }
  const layout = fixedWidthLayout(lines);
  if (layout && !isDelimited(lines)) {
    const cells = (row: string) => fixedWidthCells(row, layout.starts);
    return {
      head: lines.slice(0, layout.headLines),
      rows: lines.slice(layout.headLines),
      columns: cells(lines[layout.header] as string),
      cells,
      tail,
    };
  }
  const separator = (first.match(/\t/g)?.length ?? 0) >= 1 ? '\t' : ',';
  const cells = (row: string) => splitDelimited(row, separator);
  return { head: [first], rows: lines.slice(1), columns: cells(first), cells, tail };
}

/** Whether every one of the first rows has the same number of tabs, or of commas, as the first (CSV/TSV). */
function isDelimited(lines: readonly string[]): boolean {
  const sample = lines.slice(0, 50);
  return ['\t', ','].some((sep) => {
    const count = (l: string) => l.split(sep).length - 1;
    const first = count(sample[0] ?? '');
    return first >= 1 && sample.every((l) => count(l) === first);
  });
}

/** Splits one CSV/TSV line, honouring double-quoted fields. */
function splitDelimited(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === separator && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/** A row as an object node, so rows are chosen by the same rules as JSON items. */
function rowNode(columns: readonly string[], cells: readonly string[]): JsonNode {
  return {
    kind: 'object',
    entries: columns.map((column, k) => {
      const cell = cells[k] ?? '';
      const raw = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(cell) ? cell : JSON.stringify(cell);
      return [JSON.stringify(column), { kind: 'raw', raw }] as [string, JsonNode];
    }),
  };
}
