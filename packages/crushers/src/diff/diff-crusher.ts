import { anchorHits, bm25Scores, hasMarkers, queryAnchors, type Transform, weightedQueryTerms } from '@headroom/core';
import { lineBudget, SMALL_OUTPUT_LINES } from '../lines/budget.js';
import { emitWithMarkers } from '../lines/line-crusher.js';

const FILE_HEADER =
  /^(diff --git |index [0-9a-f]+\.\.|--- |\+\+\+ |new file mode|deleted file mode|old mode|new mode|similarity index|rename (from|to) |copy (from|to) |Binary files )/;
/** Files whose diffs nobody reads line by line: lock files, minified bundles, snapshots, build output. */
const GENERATED =
  /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock|Cargo\.lock|poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|go\.sum|uv\.lock)$|\.min\.(js|css)$|\.snap$|(^|\/)(dist|build|vendor|node_modules|__generated__)\//;
/** Around a query match inside a long hunk, this many lines stay on each side. */
const HIT_CONTEXT = 3;
/** Hunks up to this many lines are kept whole when the query matches them. */
const WHOLE_HUNK = 60;

interface Hunk {
  readonly start: number; // index of the @@ line
  readonly end: number; // exclusive
  readonly file: string;
}

/**
 * Unified diffs: every file header and hunk header stays; lock and generated files are folded
 * to counts of lines added and removed; context lines are trimmed to one beside each change;
 * the hunks of a file the query names stay (when they fit the budget), hunks matching the query
 * stay, and the remaining budget goes to the most relevant hunks
 * (smallest first when there is no query). Omitted lines are counted in place as `+A −R`.
 */
export function createDiffCrusher(): Transform {
  return {
    specificationVersion: 'v1',
    name: 'diff-crusher',
    version: '1',
    contentTypes: ['diff'],
    compress({ text, query, toolName }, { retrievalKey }) {
      if (hasMarkers(text)) return { text };
      const lines = text.split('\n');
      if (lines.length <= SMALL_OUTPUT_LINES) return { text };
      const keep = new Uint8Array(lines.length);
      const hunks = findHunks(lines, keep);

      const anchors = queryAnchors(query);
      const hits = anchorHits(lines, anchors);
      // A query that names a file scopes the diff to it: that file's hunks stay when they fit the budget.
      const scoped = hunks.filter((h) => namesFile(anchors, h.file));
      const scopeLines = scoped.map((h) =>
        h.end - h.start <= WHOLE_HUNK ? range(h.start + 1, h.end) : trimmedBody(lines, h),
      );
      const hunkTexts = hunks.map((h) => lines.slice(h.start, h.end).join('\n'));
      const scores = bm25Scores(hunkTexts, weightedQueryTerms(query, toolName));
      let kept = keep.reduce((a, b) => a + b, 0);
      const budget = lineBudget(lines.length);
      if (scopeLines.reduce((n, l) => n + l.length, 0) <= budget) for (const l of scopeLines) kept += markAll(keep, l);
      const candidates: { hunk: Hunk; lines: number[]; score: number }[] = [];

      hunks.forEach((hunk, h) => {
        if (GENERATED.test(hunk.file)) return;
        const hitLines = [...hits].filter((i) => i > hunk.start && i < hunk.end);
        if (hitLines.length) {
          const chosen =
            hunk.end - hunk.start <= WHOLE_HUNK
              ? range(hunk.start + 1, hunk.end)
              : hitLines.flatMap((i) =>
                  range(Math.max(hunk.start + 1, i - HIT_CONTEXT), Math.min(hunk.end, i + HIT_CONTEXT + 1)),
                );
          kept += markAll(keep, chosen);
          return;
        }
        candidates.push({ hunk, lines: trimmedBody(lines, hunk), score: scores[h] as number });
      });
      candidates.sort((a, b) => b.score - a.score || a.lines.length - b.lines.length || a.hunk.start - b.hunk.start);
      for (const c of candidates) {
        if (kept + c.lines.length > budget) continue;
        kept += markAll(keep, c.lines);
      }
      return { text: emitWithMarkers(lines, keep, 'lines', changeCounts, retrievalKey) };
    },
  };
}

/** Whether the query names this file: an anchor with a path's shape that ends it (`src/a.ts`, `a.ts`) or that it ends. */
function namesFile(anchors: readonly string[], file: string): boolean {
  return anchors.some(
    (a) => /[./]/.test(a) && a.length >= 4 && (file === a || file.endsWith(`/${a}`) || a.endsWith(`/${file}`)),
  );
}

/** Marks file and hunk headers as kept and returns the hunks with the file each belongs to. */
function findHunks(lines: readonly string[], keep: Uint8Array): Hunk[] {
  const hunks: Hunk[] = [];
  let file = '';
  let open = -1;
  const close = (end: number) => {
    if (open >= 0) hunks.push({ start: open, end, file });
    open = -1;
  };
  lines.forEach((line, i) => {
    if (line.startsWith('diff --git ')) {
      close(i);
      file = line.split(' b/').pop() ?? line;
    } else if (line.startsWith('+++ ') && open < 0) {
      file = line.slice(4).replace(/^b\//, '');
    }
    if (line.startsWith('@@')) {
      close(i);
      open = i;
      keep[i] = 1;
    } else if (open < 0 && FILE_HEADER.test(line)) keep[i] = 1;
  });
  close(lines.length);
  return hunks;
}

/** A hunk's changed lines plus one context line on each side of every change. */
function trimmedBody(lines: readonly string[], hunk: Hunk): number[] {
  const chosen = new Set<number>();
  for (let i = hunk.start + 1; i < hunk.end; i++) {
    const c = lines[i]?.[0];
    if (c === '+' || c === '-') {
      for (const j of [i - 1, i, i + 1]) if (j > hunk.start && j < hunk.end) chosen.add(j);
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

function changeCounts(omitted: readonly string[]): string | undefined {
  let added = 0;
  let removed = 0;
  for (const line of omitted) {
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return added || removed ? `+${added} −${removed}` : undefined;
}

/** Marks lines as kept; returns how many were not kept before. */
function markAll(keep: Uint8Array, lines: readonly number[]): number {
  let added = 0;
  for (const i of lines) {
    if (!keep[i]) {
      keep[i] = 1;
      added++;
    }
  }
  return added;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}
