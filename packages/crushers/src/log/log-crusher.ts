import type { Transform } from '@headroom/core';
import { countsDetail, createLineCrusher } from '../lines/line-crusher.js';
import { levelName, lineTemplate } from '../lines/mask.js';

/**
 * Logs and other line-oriented output (build and test runs, git log, generic command output):
 * lines are grouped by template (variable parts masked), so one example of each kind of line
 * stays; errors, warnings, stack traces, summaries and query matches always stay; omitted runs
 * are counted per log level.
 *
 * @example
 * createLogCrusher().compress({ text: hdfsLog, contentType: 'log', query: 'blk_-737' }, context)
 */
export function createLogCrusher(): Transform {
  return createLineCrusher({
    name: 'log-crusher',
    version: '1',
    contentTypes: ['log', 'stack-trace', 'text'],
    unit: 'lines',
    group: lineTemplate,
    detail: (omitted) => countsDetail(omitted.map(levelName)),
  });
}
