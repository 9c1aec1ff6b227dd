import { fixedWidthLayout, jsonStringEnd, scanJson } from '@headroom/core';

/**
 * A piece of an original that a query retrieves whole: a line, or a record made of several — a
 * commit with its header, message and stat lines, a package stanza, a log entry with its
 * continuation lines, one file's diff (or one hunk with its file header), a JSON array item or
 * object member with its key path.
 */
export interface RetrievalRecord {
  /** Where it is: `L12`, `L12-L18` (1-based lines), `[3]`, `.time["3.2.6"]` (JSON paths). */
  readonly label: string;
  /** Its text, exactly as in the original (JSON: minified, values as written). */
  readonly text: string;
  /** What a query is matched against: the text, and for a JSON member its path. */
  readonly search: string;
}

export interface Records {
  /** What the records are, for counts: `lines`, `records`, `items`, `rows`. */
  readonly noun: 'lines' | 'records' | 'items' | 'rows';
  readonly records: readonly RetrievalRecord[];
  /** A table's header (with any preamble), shown above the rows a query returns so their columns are named. */
  readonly head?: RetrievalRecord;
}

/** Records of more lines than this are split into their lines: a match must stay readable. */
const MAX_RECORD_LINES = 60;
/** The most lines a long record's opening block (ended by a blank line) may have. */
const MAX_OPENING_LINES = 12;
/** A JSON value minified to at most this many characters is one record; a larger one is split into its members. */
const MAX_JSON_RECORD_CHARS = 1_500;

/**
 * Splits an original into what a query retrieves. JSON: its array items and object members, each
 * with its key path (a map keyed by data — version → date — is searched by its keys; a container
 * too large to read at once is split into its own members). Text: the records its layout shows —
 * a diff's files or hunks with their file header, blank-line stanzas (an indented block joins
 * the stanza before it, as a commit's message and stat lines join its header), or lines with their
 * indented continuation lines (a stack trace with its log line) — else its lines.
 */
export function splitRecords(original: string): Records {
  const head = original.trimStart();
  if (head.startsWith('[') || head.startsWith('{')) {
    const records = jsonRecords(original);
    if (records && records.length > 1) return { noun: 'items', records };
  }
  const lines = original.split('\n');
  const diff = diffRecords(lines);
  if (diff) return { noun: 'records', records: diff };
  const table = tableRecords(lines);
  if (table) return table;
  const spans = stanzaSpans(lines) ?? continuationSpans(lines);
  if (!spans) return { noun: 'lines', records: lines.map((text, i) => lineRecord(text, i)) };
  return { noun: 'records', records: spans.flatMap(([first, last]) => spanRecords(lines, first, last)) };
}

const lineRecord = (text: string, i: number): RetrievalRecord => ({ label: `L${i + 1}`, text, search: text });

/**
 * Lines `first..last` (0-based, inclusive) as one record. One too long to read as one is split:
 * its opening lines (up to its first blank line) stay a record, and the rest is cut at its
 * shallowest indentation into blocks (a YAML item's `metadata:` with what is nested under it), each
 * shown under the record's first line (a commit's message line under `commit <hash>`) and matched
 * on its own words only; a block still too long is cut the same way, down to single lines.
 */
function spanRecords(lines: readonly string[], first: number, last: number): RetrievalRecord[] {
  if (first === last) return [lineRecord(lines[first] ?? '', first)];
  if (last - first + 1 <= MAX_RECORD_LINES) {
    const text = lines.slice(first, last + 1).join('\n');
    return [{ label: `L${first + 1}-L${last + 1}`, text, search: text }];
  }
  // A header block (a commit's `commit`/`Author:`/`Date:`) ends at a blank line soon after the start.
  let opening = first;
  while (opening < Math.min(last, first + MAX_OPENING_LINES) && !blank(lines[opening + 1])) opening++;
  if (!blank(lines[opening + 1])) opening = first;
  return [...spanRecords(lines, first, opening), ...nestedRecords(lines, opening + 1, last, lines[first] ?? '')];
}

const indentOf = (line: string) => /^\s*/.exec(line)?.[0].length ?? 0;

/** Lines `first..last` cut at their shallowest indentation into blocks, each shown under `head`. */
function nestedRecords(lines: readonly string[], first: number, last: number, head: string): RetrievalRecord[] {
  const present = lines.slice(first, last + 1).filter((l) => !blank(l));
  if (present.length === 0) return [];
  const depth = Math.min(...present.map(indentOf));
  const starts: number[] = [];
  for (let i = first; i <= last; i++) if (!blank(lines[i]) && indentOf(lines[i] as string) === depth) starts.push(i);
  const records: RetrievalRecord[] = [];
  starts.forEach((start, k) => {
    const kept = trimmed(lines, start, (starts[k + 1] ?? last + 1) - 1);
    if (!kept) return;
    const [a, b] = kept;
    if (b - a + 1 > MAX_RECORD_LINES) {
      // Its first line alone, then what is nested under it, cut one level deeper.
      records.push({ label: `L${a + 1}`, text: `${head}\n${lines[a]}`, search: lines[a] as string });
      records.push(...nestedRecords(lines, a + 1, b, head));
      return;
    }
    const body = lines.slice(a, b + 1).join('\n');
    records.push({ label: a === b ? `L${a + 1}` : `L${a + 1}-L${b + 1}`, text: `${head}\n${body}`, search: body });
  });
  return records;
}

type Span = readonly [first: number, last: number];

const blank = (line: string | undefined) => line === undefined || line.trim() === '';
const indented = (line: string | undefined) => line !== undefined && /^\s/.test(line) && line.trim() !== '';

/** Drops the blank lines at the ends of a span; undefined when nothing is left. */
function trimmed(lines: readonly string[], first: number, last: number): Span | undefined {
  let a = first;
  let b = last;
  while (a <= b && blank(lines[a])) a++;
  while (b >= a && blank(lines[b])) b--;
  return a <= b ? [a, b] : undefined;
}

/**
 * A table — fixed-width (`dpkg -l`, `ps aux`, `kubectl get`) or CSV/TSV whose rows all have the
 * header's number of fields: each row a record, the header kept apart to be shown above them.
 */
function tableRecords(lines: readonly string[]): Records | undefined {
  const layout = fixedWidthLayout(lines);
  const headLines = layout?.headLines ?? (delimitedHeader(lines) ? 1 : 0);
  if (headLines === 0) return undefined;
  const head = spanRecords(lines, 0, headLines - 1)[0] as RetrievalRecord;
  const records = lines.slice(headLines).flatMap((text, k) => (text.trim() ? [lineRecord(text, headLines + k)] : []));
  return { noun: 'rows', records, head };
}

/** A CSV or TSV header: the first line and every one of the next (up to 50) have the same number of tabs, or of commas. */
function delimitedHeader(lines: readonly string[]): boolean {
  const sample = lines.slice(0, 51).filter((l) => l.trim());
  if (sample.length < 4) return false;
  return ['\t', ','].some((sep) => {
    const count = (l: string) => l.split(sep).length - 1;
    const first = count(sample[0] as string);
    return first >= 2 && sample.every((l) => count(l) === first);
  });
}

/**
 * A unified diff: one record per file (its `diff --git` / `---` / `+++` header with its hunks),
 * or, for a file whose diff is long, one per hunk, each with the file's first header line before
 * it; undefined for text that is not a diff of several files.
 */
function diffRecords(lines: readonly string[]): RetrievalRecord[] | undefined {
  const git = lines.some((l) => l.startsWith('diff --git '));
  const starts = lines.flatMap((line, i) =>
    (git ? line.startsWith('diff --git ') : line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) ? [i] : [],
  );
  if (starts.length < 2 || !lines.some((l) => l.startsWith('@@ '))) return undefined;
  const records: RetrievalRecord[] = [];
  if ((starts[0] as number) > 0) records.push(...spanRecords(lines, 0, (starts[0] as number) - 1));
  starts.forEach((start, k) => {
    const end = (starts[k + 1] ?? lines.length) - 1;
    if (end - start + 1 <= MAX_RECORD_LINES) {
      records.push(...spanRecords(lines, start, end));
      return;
    }
    const hunks = lines.flatMap((line, i) => (i > start && i <= end && line.startsWith('@@ ') ? [i] : []));
    records.push(...spanRecords(lines, start, (hunks[0] ?? end + 1) - 1));
    hunks.forEach((hunk, h) => {
      const last = (hunks[h + 1] ?? end + 1) - 1;
      for (const record of spanRecords(lines, hunk, last)) {
        const text = `${lines[start]}\n${record.text}`;
        records.push({ label: record.label, text, search: text });
      }
    });
  });
  return records;
}

/**
 * Blank-line stanzas (package records, certificates, commits): used when blank lines cut the text
 * into at least three blocks and most blocks hold several lines. A block whose first line is
 * indented continues the stanza before it (a commit's message and stat lines).
 */
function stanzaSpans(lines: readonly string[]): Span[] | undefined {
  const blocks: Span[] = [];
  let start = -1;
  lines.forEach((line, i) => {
    if (!blank(line) && start < 0) start = i;
    if ((blank(line) || i === lines.length - 1) && start >= 0) {
      blocks.push([start, blank(line) ? i - 1 : i]);
      start = -1;
    }
  });
  const spans: [number, number][] = [];
  for (const [a, b] of blocks) {
    const previous = spans[spans.length - 1];
    if (previous && indented(lines[a])) previous[1] = b;
    else spans.push([a, b]);
  }
  if (spans.length < 3 || spans.filter(([a, b]) => b > a).length < spans.length / 2) return undefined;
  return spans.flatMap(([a, b]): Span[] => {
    const kept = trimmed(lines, a, b);
    return kept ? [kept] : [];
  });
}

/** Lines with the indented lines that follow them (a log entry with its stack trace); undefined when no line continues another. */
function continuationSpans(lines: readonly string[]): Span[] | undefined {
  const spans: [number, number][] = [];
  let continued = false;
  lines.forEach((line, i) => {
    const previous = spans[spans.length - 1];
    if (previous && indented(line) && previous[1] === i - 1) {
      previous[1] = i;
      continued = true;
    } else spans.push([i, i]);
  });
  return continued ? spans : undefined;
}

/** A JSON value's place in the minified text, with its path. */
interface JsonNode {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/** A key as a path step: `.name` for identifiers, `["3.2.6"]` for anything else. */
function step(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The members of the container at `start` (minified JSON): each value's span and path. */
function children(json: string, start: number, path: string): JsonNode[] {
  const open = json[start];
  const nodes: JsonNode[] = [];
  let i = start + 1;
  let index = 0;
  while (i < json.length && json[i] !== (open === '[' ? ']' : '}')) {
    let key = '';
    if (open === '{') {
      const keyEnd = jsonStringEnd(json, i);
      key = JSON.parse(json.slice(i, keyEnd)) as string;
      i = keyEnd + 1; // past the colon
    }
    const end = valueEnd(json, i);
    nodes.push({ path: open === '[' ? `${path}[${index}]` : `${path}${step(key)}`, start: i, end });
    index++;
    i = json[end] === ',' ? end + 1 : end;
  }
  return nodes;
}

/** End (exclusive) of the value starting at `i` in minified JSON. */
function valueEnd(json: string, i: number): number {
  const c = json[i];
  if (c === '"') return jsonStringEnd(json, i);
  if (c !== '[' && c !== '{') {
    let j = i;
    while (j < json.length && json[j] !== ',' && json[j] !== ']' && json[j] !== '}') j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < json.length; j++) {
    const d = json[j];
    if (d === '"') j = jsonStringEnd(json, j) - 1;
    else if (d === '[' || d === '{') depth++;
    else if (d === ']' || d === '}') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return json.length;
}

/** Array items and object members as records, each small enough to read whole (see `MAX_JSON_RECORD_CHARS`). */
function jsonRecords(text: string): RetrievalRecord[] | undefined {
  const scan = scanJson(text);
  if (!scan.ok || scan.documents !== 1) return undefined;
  const json = scan.minified;
  const records: RetrievalRecord[] = [];
  const visit = (node: JsonNode): void => {
    const value = json.slice(node.start, node.end);
    const container = value.startsWith('[') || value.startsWith('{');
    const members = container ? children(json, node.start, node.path) : [];
    if (node.path && (!container || value.length <= MAX_JSON_RECORD_CHARS || members.length === 0)) {
      records.push({ label: node.path, text: value, search: `${node.path} ${value}` });
      return;
    }
    for (const member of members) visit(member);
  };
  visit({ path: '', start: 0, end: json.length });
  return records;
}
