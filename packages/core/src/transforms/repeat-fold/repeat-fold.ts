import type { ContentType } from '../../content/content-type.js';
import { formatMarker, hasMarkers } from '../../markers/marker.js';
import type { Transform } from '../../transform/transform.js';

export interface RepeatFoldOptions {
  /** Longest block (in lines) whose consecutive repeats are folded. Default 8. */
  readonly maxBlockLines?: number;
}

const FOLDABLE: readonly ContentType[] = [
  'text',
  'log',
  'stack-trace',
  'search',
  'listing',
  'diff',
  'code',
  'html',
  'markdown',
  'prose',
  'table',
];

/**
 * Exact-repeat folding: a run of identical consecutive lines, or of an identical block of up
 * to `maxBlockLines` lines, keeps its first occurrence followed by a marker with the exact
 * number of lines left out — `[… 41 of 42 lines omitted (repeats of the line above) …]`.
 * Nothing that differs from its neighbour is ever touched, and existing markers are never
 * folded, so compressing the output again changes nothing.
 *
 * @example
 * createRepeatFold().compress({ text: 'retry\nretry\nretry\n…' }, context)
 */
export function createRepeatFold(options: RepeatFoldOptions = {}): Transform {
  const maxBlock = options.maxBlockLines ?? 8;
  return {
    specificationVersion: 'v1',
    name: 'repeat-fold',
    version: '1',
    contentTypes: FOLDABLE,
    compress({ text }, { retrievalKey }) {
      const lines = text.split('\n');
      const ids = lineIds(lines);
      const out: string[] = [];
      let i = 0;
      while (i < lines.length) {
        const run = longestRun(ids, i, maxBlock);
        if (run.reps >= 2 && worthFolding(lines, i, run) && !hasMarkers(lines.slice(i, i + run.size).join('\n'))) {
          const omitted = run.size * (run.reps - 1);
          for (let j = i; j < i + run.size; j++) out.push(lines[j] as string);
          out.push(
            formatMarker({
              omitted,
              total: run.size * run.reps,
              unit: 'lines',
              detail: run.size === 1 ? 'repeats of the line above' : `repeats of the ${run.size} lines above`,
              ...(retrievalKey ? { key: retrievalKey } : {}),
            }),
          );
          i += run.size * run.reps;
        } else {
          out.push(lines[i] as string);
          i++;
        }
      }
      return { text: out.length === lines.length ? text : out.join('\n') };
    },
  };
}

interface Run {
  /** Lines per block. */
  readonly size: number;
  /** Consecutive occurrences of the block, the first included. */
  readonly reps: number;
}

/** The run starting at `start` that hides the most lines; ties go to the shorter block. */
function longestRun(ids: Int32Array, start: number, maxBlock: number): Run {
  let best: Run = { size: 1, reps: 1 };
  for (let size = 1; size <= maxBlock && start + 2 * size <= ids.length; size++) {
    let reps = 1;
    while (start + (reps + 1) * size <= ids.length && sameBlock(ids, start, start + reps * size, size)) reps++;
    if (size * (reps - 1) > best.size * (best.reps - 1)) best = { size, reps };
  }
  return best;
}

function sameBlock(ids: Int32Array, a: number, b: number, size: number): boolean {
  for (let k = 0; k < size; k++) if (ids[a + k] !== ids[b + k]) return false;
  return true;
}

/** A marker costs characters too; folding must hide more than it adds. */
function worthFolding(lines: readonly string[], start: number, run: Run): boolean {
  let blockChars = 0;
  for (let j = start; j < start + run.size; j++) blockChars += (lines[j] as string).length + 1;
  return blockChars * (run.reps - 1) > 90;
}

/** Lines as small integers, so comparing two lines costs one integer comparison. */
function lineIds(lines: readonly string[]): Int32Array {
  const seen = new Map<string, number>();
  const ids = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    let id = seen.get(line);
    if (id === undefined) {
      id = seen.size;
      seen.set(line, id);
    }
    ids[i] = id;
  });
  return ids;
}
