import { hasMarkers, type Transform } from '@headroom/core';
import { createDiffCrusher } from '../diff/diff-crusher.js';
import { createJsonCrusher } from '../json/json-crusher.js';
import { countsDetail, createLineCrusher } from '../lines/line-crusher.js';
import { levelName, lineTemplate } from '../lines/mask.js';
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
    detail: (omitted) => countsDetail(omitted.map(levelName)),
  });
}
