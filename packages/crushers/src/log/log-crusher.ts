import { hasMarkers, type Transform } from '@headroom/core';
import { createDiffCrusher } from '../diff/diff-crusher.js';
import { createJsonCrusher } from '../json/json-crusher.js';
import { gapSummary } from '../lines/gap-summary.js';
import { countsDetail, createLineCrusher } from '../lines/line-crusher.js';
import { httpStatus, levelName, lineTemplate } from '../lines/mask.js';
import { splitSections } from '../router/sections.js';

/**
 * Logs and other line-oriented output (build and test runs, git log, generic command output):
 * lines are grouped by template (variable parts masked), so one example of each kind of line
 * stays; errors, warnings, stack traces, summaries and query matches always stay; omitted runs
 * are counted per log level. JSON documents and diffs embedded in the output are cut out as
 * sections and compressed by their own crushers.
 *
 * @example
 * createLogCrusher().compress({ text: hdfsLog, contentType: 'log', query: 'blk_-737' }, context)
 */
export function createLogCrusher(): Transform {
  const lines = createLogLineCrusher();
  const embedded = { json: createJsonCrusher(), diff: createDiffCrusher() };
  return {
    specificationVersion: 'v1',
    name: 'log-crusher',
    version: '2',
    contentTypes: ['log', 'stack-trace', 'text'],
    async compress(input, context) {
      if (hasMarkers(input.text)) return { text: input.text };
      const all = input.text.split('\n');
      const sections = splitSections(all);
      if (sections.length <= 1) return lines.compress(input, context);
      const parts: string[] = [];
      for (const section of sections) {
        const text = all.slice(section.start, section.end).join('\n');
        const crusher = section.type === 'json' ? embedded.json : section.type === 'diff' ? embedded.diff : lines;
        parts.push((await crusher.compress({ ...input, text, contentType: section.type ?? 'log' }, context)).text);
      }
      return { text: parts.join('\n') };
    },
  };
}

/** The line-selection half of the log crusher, for one section of plain lines. */
function createLogLineCrusher(): Transform {
  return createLineCrusher({
    name: 'log-crusher',
    version: '2',
    contentTypes: ['log', 'stack-trace', 'text'],
    unit: 'lines',
    group: lineTemplate,
    detail: (omitted) =>
      // An access log's omitted requests are told by their status codes first.
      (omitted[0] !== undefined && httpStatus(omitted[0]) ? gapSummary(omitted) : undefined) ??
      sameTemplateDetail(omitted) ??
      ([countsDetail(omitted.map(levelName)), gapSummary(omitted)].filter(Boolean).join('; ') || undefined),
  });
}

/**
 * For a run of lines that say the same thing about different values, the range of each value
 * that varies: `all like the line above, varying 24200–25105 and 1368–2021`.
 */
function sameTemplateDetail(omitted: readonly string[]): string | undefined {
  if (omitted.length < 2) return undefined;
  const template = lineTemplate(omitted[0] as string);
  if (!omitted.every((line) => lineTemplate(line) === template)) return undefined;
  const numbers = omitted.map((line) => (line.match(/\d+(?:\.\d+)?/g) ?? []).map(Number));
  const width = numbers[0]?.length ?? 0;
  if (width === 0 || !numbers.every((n) => n.length === width)) return undefined;
  const ranges: string[] = [];
  for (let k = 0; k < width && ranges.length < 3; k++) {
    const values = numbers.map((n) => n[k] as number);
    const min = Math.min(...values);
    const max = Math.max(...values);
    if (min !== max) ranges.push(`${min}–${max}`);
  }
  return ranges.length ? `all of one kind, varying ${ranges.join(', ')}` : 'all of one kind';
}
