import type { Transform } from '@headroom/core';
import { createLineCrusher } from '../lines/line-crusher.js';

/** `path:12:` or `path-12-` (grep -n / rg context) → `path`. */
const FILE_OF = /^([^\s:][^:]{0,400}?)[:-]\d+[:-]/;

function fileOf(line: string): string {
  return FILE_OF.exec(line)?.[1] ?? line;
}

/**
 * grep / ripgrep results: grouped by file, so every matching file stays listed with at least
 * its first match; matches of the query rank first; the rest of each file's matches are
 * counted in place.
 */
export function createSearchCrusher(): Transform {
  return createLineCrusher({
    name: 'search-crusher',
    version: '1',
    contentTypes: ['search'],
    severities: false,
    unit: 'matches',
    group: fileOf,
    everyGroup: true,
    detail: (omitted) => {
      const files = new Set(omitted.map(fileOf));
      return files.size > 1 ? `in ${files.size} files` : undefined;
    },
  });
}
