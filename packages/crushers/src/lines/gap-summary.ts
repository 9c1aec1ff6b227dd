import { httpStatus } from './mask.js';

/**
 * What a run of omitted lines holds, in a few words, so a model can tell whether to retrieve it:
 * an access log's status codes (`status 200: 47, 304: 2`), else the values of a logfmt field that
 * takes only a few (`level info: 40, warn: 2`), else the records it holds (the most
 * frequent record head with the first and last of them — `commit ×12 a3714473fe…2a53336e5d`,
 * `Package ×7 libfoo…libzstd1`), else the time range its timestamps span (`18:36:09…18:36:11`).
 * A few tokens at most: markers are many.
 */
export function gapSummary(omitted: readonly string[]): string | undefined {
  // A short run costs more to describe than to retrieve: only runs worth a decision are described.
  if (omitted.length < MIN_DESCRIBED) return undefined;
  // The records it holds say the most; a time range where there is nothing else to say.
  const summary = statusCounts(omitted) ?? fieldCounts(omitted) ?? recordHeads(omitted) ?? timeRange(omitted);
  return summary ? clean(summary) : undefined;
}

/** Runs shorter than this are counted, not described. */
const MIN_DESCRIBED = 20;

/** Characters a marker's detail may not hold are written as spaces. */
const clean = (text: string) => text.replace(/[()[\]\n]/g, ' ').replace(/ {2,}/g, ' ');

/** Timestamps as logs and tools write them (ISO, access-log, syslog and git dates, HDFS `081109 203615`, a bare time). */
const TIMESTAMP =
  /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?|\d{2}\/[A-Z][a-z]{2}\/\d{4}[ :]\d{2}:\d{2}:\d{2}|\b[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}( \d{4})?|\b\d{6} \d{6}\b|(?<![:\w])\d{2}:\d{2}:\d{2}(?![:\w])/;

/** The first and last timestamps of the run, when they differ. */
function timeRange(lines: readonly string[]): string | undefined {
  const find = (from: number, step: number): string | undefined => {
    for (let i = from, n = 0; i >= 0 && i < lines.length && n < 20; i += step, n++) {
      const match = TIMESTAMP.exec((lines[i] as string).slice(0, 300));
      if (match) return match[0];
    }
    return undefined;
  };
  const first = find(0, 1);
  const last = find(lines.length - 1, -1);
  if (!first || !last || first === last) return undefined;
  // The last written only from where it differs: `2025-06-24 14:36:25…14:36:31`.
  let common = 0;
  while (common < first.length && first[common] === last[common]) common++;
  const cut = Math.max(last.lastIndexOf(' ', common), last.lastIndexOf('T', common)) + 1;
  return `${first}…${last.slice(cut)}`;
}

function statusCounts(lines: readonly string[]): string | undefined {
  const statuses = lines.map(httpStatus);
  const found = statuses.filter((s): s is string => s !== undefined);
  if (found.length < lines.length / 2) return undefined;
  const counts = new Map<string, number>();
  for (const s of found) counts.set(s, (counts.get(s) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4);
  return `status ${sorted.map(([s, n]) => `${s}: ${n}`).join(', ')}`;
}

/** A record's first word at the start of a line: `commit`, `Package:`, `subject=`. */
const HEAD = /^([A-Za-z][\w-]{1,30})([:=]|\s)\s*(\S{1,40})/;

/** The most frequent record head of the run, with its count and the first and last values it names. */
function recordHeads(lines: readonly string[]): string | undefined {
  const heads = new Map<string, string[]>();
  for (const line of lines) {
    const m = HEAD.exec(line);
    if (!m) continue;
    const head = m[1] as string;
    const values = heads.get(head) ?? [];
    values.push((m[3] as string).slice(0, 10));
    heads.set(head, values);
  }
  // A head names records when it recurs, and each record has few lines.
  const best = [...heads].filter(([, v]) => v.length >= 2).sort((a, b) => b[1].length - a[1].length)[0];
  if (!best || best[1].length * 40 < lines.length) return undefined;
  const [head, values] = best;
  const first = values[0] as string;
  const last = values[values.length - 1] as string;
  // Values too short to tell records apart (`issuer=C = …`) are left out.
  if (first.length < 3 || last.length < 3) return `${head} ×${values.length}`;
  return `${head} ×${values.length} ${first === last ? first : `${first}…${last}`}`;
}

/** A logfmt pair: `key=value` or `key="a value"`. */
const PAIR = /\b([A-Za-z_][\w.]{0,30})=("[^"]*"|[^\s"]+)/g;

/**
 * For logfmt lines (`level=info method=GET status=200 …`), the counts of the first field present in
 * nearly every line that takes between two and five values: what kinds of lines the run holds.
 */
function fieldCounts(lines: readonly string[]): string | undefined {
  const fields = new Map<string, Map<string, number>>();
  const order: string[] = [];
  for (const line of lines) {
    for (const [, key, value] of line.slice(0, 2000).matchAll(PAIR)) {
      let values = fields.get(key as string);
      if (!values) {
        values = new Map();
        fields.set(key as string, values);
        order.push(key as string);
      }
      values.set(value as string, (values.get(value as string) ?? 0) + 1);
    }
  }
  for (const key of order) {
    const values = fields.get(key) as Map<string, number>;
    const total = [...values.values()].reduce((a, b) => a + b, 0);
    if (total < lines.length * 0.9 || values.size < 2 || values.size > 5) continue;
    const sorted = [...values].sort((a, b) => b[1] - a[1]);
    return `${key} ${sorted.map(([v, n]) => `${v.replace(/"/g, '')}: ${n}`).join(', ')}`;
  }
  return undefined;
}
