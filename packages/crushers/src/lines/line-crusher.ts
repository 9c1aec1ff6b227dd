import {
  anchorHits,
  bm25Scores,
  type ContentType,
  definitionHits,
  formatMarker,
  hasMarkers,
  pathScopes,
  queryAnchors,
  type Transform,
  weightedQueryTerms,
} from '@headroom/core';

import { lineBudget, SMALL_OUTPUT_LINES } from './budget.js';
import { isSummaryLine, severity } from './mask.js';

/** What makes one line-oriented crusher (logs, search results, listings) different from another. */
export interface LineCrusherSpec {
  readonly name: string;
  readonly version: string;
  readonly contentTypes: readonly ContentType[];
  /** Plural noun for markers: `lines`, `matches`, `entries`. */
  readonly unit: string;
  /** Lines with the same group say the same kind of thing (a template, a file, a directory). */
  group(line: string): string;
  /** A short breakdown of omitted lines for the marker, or undefined. No parentheses or brackets. */
  detail?(omitted: readonly string[]): string | undefined;
  /** Lines that must stay whatever the budget (beyond errors, summaries and query matches). */
  mustKeep?(line: string): boolean;
  /** When true, the first line of every group stays whatever the budget (every file of a search). */
  readonly everyGroup?: boolean;
  /**
   * Whether lines saying error/warning/failed are kept as such. Off for listings and search
   * results, where `error.h` or a matched `raise Error` is a name, not a failure.
   */
  readonly severities?: boolean;
}

const HEAD = 3;
const TAIL = 3;
/** Lines after an error that continue it (stack frames, "Caused by", indented detail). */
const CONTINUATION = /^(\s+\S|\s*at |\s*File "|Caused by|\.\.\. \d+ more|\s*\^)/;
const MAX_TRACE = 40;
/** Git log records: a hit inside a commit keeps the commit line (its hash) too. */
const RECORD_START = /^commit [0-9a-f]{7,64}\b/;

enum Tier {
  Must = 3,
  Relevant = 2,
  Novel = 1,
}

/**
 * Builds a line-oriented crusher: keeps the first and last lines, every error and warning with
 * its stack trace, summary lines, and lines matching the query (anchors exactly, words by BM25);
 * then fills a size-dependent budget with relevant lines and one example of each group, rarest
 * first. Everything else becomes in-place markers with exact counts. Kept lines are verbatim.
 */
export function createLineCrusher(spec: LineCrusherSpec): Transform {
  return {
    specificationVersion: 'v1',
    name: spec.name,
    version: spec.version,
    contentTypes: spec.contentTypes,
    compress({ text, query, toolName }, { retrievalKey }) {
      // Already compressed once: cutting again would only hide more, so a second pass changes nothing.
      if (hasMarkers(text)) return { text };
      const lines = text.split('\n');
      if (lines.length <= SMALL_OUTPUT_LINES) return { text };
      const keep = selectLines(lines, query, toolName, spec);
      return { text: emitWithMarkers(lines, keep, spec.unit, (gap) => spec.detail?.(gap), retrievalKey) };
    },
  };
}

function selectLines(
  lines: readonly string[],
  query: string,
  toolName: string | undefined,
  spec: LineCrusherSpec,
): Uint8Array {
  const n = lines.length;
  const tier = new Uint8Array(n);
  const score = new Float64Array(n);
  const must = (i: number) => {
    if (i >= 0 && i < n) tier[i] = Tier.Must;
  };

  for (let i = 0; i < Math.min(HEAD, n); i++) must(i);
  for (let i = Math.max(0, n - TAIL); i < n; i++) must(i);

  let recordStart = -1;
  const recordOf = new Int32Array(n);
  const errorTemplates = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const line = lines[i] as string;
    if (RECORD_START.test(line)) recordStart = i;
    recordOf[i] = recordStart;
    if (isSummaryLine(line) || spec.mustKeep?.(line)) must(i);
    const sev = spec.severities === false ? undefined : severity(line);
    if (sev) {
      // Every distinct error or warning stays, with its trace; exact repeats of one beyond a few are counted instead.
      const group = spec.group(line);
      const seen = errorTemplates.get(group) ?? 0;
      errorTemplates.set(group, seen + 1);
      if (seen < 3) {
        must(i - 1); // the line that led up to it
        must(i);
        for (let j = i + 1; j < Math.min(n, i + 1 + MAX_TRACE) && CONTINUATION.test(lines[j] as string); j++) must(j);
      } else if ((tier[i] as number) < Tier.Relevant) {
        tier[i] = Tier.Relevant;
        score[i] = 0.5;
      }
    }
  }

  if (query.trim()) {
    const anchors = queryAnchors(query);
    for (const i of anchorHits(lines, anchors)) {
      for (const j of [i - 1, i, i + 1, recordOf[i] as number]) must(j);
    }
    for (const i of definitionHits(lines, anchors)) for (const j of [i, i + 1]) must(j);
    // A path named whole in the query but written here as a directory's block and a name in it (`ls -R`).
    for (const { dir, name } of pathScopes(lines, anchors)) {
      const header = lines.indexOf(`${dir}:`);
      for (let j = header + 1; header >= 0 && j < n && (lines[j] as string).trim(); j++)
        if ((lines[j] as string).includes(name)) for (const k of [header, j]) must(k);
    }
    const scores = bm25Scores(lines, weightedQueryTerms(query, toolName));
    for (let i = 0; i < n; i++) {
      const s = scores[i] as number;
      if (s > 0 && (tier[i] as number) < Tier.Relevant) {
        tier[i] = Tier.Relevant;
        score[i] = 1 + s;
      }
    }
  }

  // One example of each group, rarest groups first.
  const groups = new Map<string, number[]>();
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const key = spec.group(line);
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  });
  for (const members of groups.values()) {
    const first = members[0] as number;
    if (spec.everyGroup) tier[first] = Tier.Must;
    else if ((tier[first] as number) < Tier.Novel) {
      tier[first] = Tier.Novel;
      score[first] = 1 / members.length;
    }
  }

  // A run of identical lines keeps only its first: the rest is one marker with the exact count.
  const repeat = new Uint8Array(n);
  for (let i = 1; i < n; i++) {
    if (lines[i] === lines[i - 1] && (lines[i] as string).trim()) {
      repeat[i] = 1;
      tier[i] = 0;
    }
  }
  const keep = new Uint8Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (tier[i] === Tier.Must) {
      keep[i] = 1;
      kept++;
    }
  }
  const budget = lineBudget(n);
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (!keep[i] && tier[i]) candidates.push(i);
  candidates.sort(
    (a, b) => (tier[b] as number) - (tier[a] as number) || (score[b] as number) - (score[a] as number) || a - b,
  );
  for (const i of candidates) {
    if (kept >= budget) break;
    keep[i] = 1;
    kept++;
  }
  // Few kinds of line still carry many different values: spend the rest of the budget on an
  // evenly spaced sample rather than collapsing thousands of lines to a handful.
  spreadBlocks(keep, budget - kept, repeat);
  return keep;
}

/** Lines kept together by `spreadBlocks`: one marker per block instead of one per line. */
const SAMPLE_BLOCK = 5;

/**
 * Marks `room` more members as kept, in evenly spaced blocks of consecutive members: a sample
 * of the whole range that costs few markers.
 */
export function spreadBlocks(keep: Uint8Array, room: number, skip?: Uint8Array): void {
  if (room <= 0) return;
  const blocks = Math.max(1, Math.ceil(room / SAMPLE_BLOCK));
  const stride = keep.length / (blocks + 1);
  let added = 0;
  for (let b = 1; b <= blocks && added < room; b++) {
    for (
      let i = Math.floor(b * stride);
      i < keep.length && added < room && i < Math.floor(b * stride) + SAMPLE_BLOCK;
      i++
    ) {
      if (!keep[i] && !skip?.[i]) {
        keep[i] = 1;
        added++;
      }
    }
  }
}

/**
 * Kept lines verbatim, each run of omitted lines replaced by one marker with its exact count (a
 * lone short line is kept instead: cheaper than its marker).
 */
export function emitWithMarkers(
  lines: readonly string[],
  keep: Uint8Array,
  unit: string,
  detailOf: (omitted: readonly string[]) => string | undefined,
  key: string | undefined,
): string {
  const out: string[] = [];
  const total = lines.length;
  let i = 0;
  while (i < total) {
    if (keep[i]) {
      out.push(lines[i] as string);
      i++;
      continue;
    }
    let j = i;
    while (j < total && !keep[j]) j++;
    const gap = lines.slice(i, j);
    const previous = i > 0 ? lines[i - 1] : undefined;
    const bare = formatMarker({ omitted: gap.length, total, unit, ...(key ? { key } : {}) });
    // A gap barely longer than its own marker is cheaper to show than to hide.
    const gapChars = gap.reduce((sum, line) => sum + line.length + 1, 0);
    if (gapChars <= bare.length * 1.5) {
      out.push(...gap);
      i = j;
      continue;
    }
    const detail = gap.every((line) => line === previous) ? 'repeats of the line above' : detailOf(gap);
    out.push(detail ? formatMarker({ omitted: gap.length, total, unit, detail, ...(key ? { key } : {}) }) : bare);
    i = j;
  }
  return out.join('\n');
}

/** `INFO: 212, DEBUG: 3`: the most frequent values first, at most `limit` of them. */
export function countsDetail(values: readonly (string | undefined)[], limit = 4): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size === 0) return undefined;
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = sorted.slice(0, limit).map(([v, c]) => `${v.replace(/[()[\]\n]/g, ' ')}: ${c}`);
  return sorted.length > limit ? `${shown.join(', ')}, …` : shown.join(', ');
}
