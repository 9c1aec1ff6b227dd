import type { Transform } from '@headroom/core';
import { createLineCrusher } from '../lines/line-crusher.js';
import { lineTemplate } from '../lines/mask.js';

const LS_LONG = /^[-dlcbps][rwxsStT-]{9}[.+@]?\s+\d+\s/;

/** The directory a listing entry sits in; for `ls -l` rows, the entry's type and extension. */
function directoryOf(line: string): string {
  if (LS_LONG.test(line)) {
    const name = line.split(/\s+/).slice(8).join(' ');
    const ext = /\.[\w]+$/.exec(name.split(' -> ')[0] ?? '')?.[0] ?? '';
    return `${line[0]}${ext}`;
  }
  const path = line.trim().replace(/^\d+(\.\d+)?[KMGTPkB]?\s+/, '');
  const slash = path.lastIndexOf('/', path.endsWith('/') ? path.length - 2 : path.length);
  return slash > 0 ? path.slice(0, slash) : lineTemplate(line);
}

/**
 * File listings (find, ls -l, ls -R, du, tree, git ls-tree): one entry per directory stays as
 * an example, entries matching the query stay, and omitted entries are counted with the
 * directories they sit in.
 */
export function createListingCrusher(): Transform {
  return createLineCrusher({
    name: 'listing-crusher',
    version: '1',
    contentTypes: ['listing'],
    severities: false,
    unit: 'entries',
    group: directoryOf,
    detail: (omitted) => {
      const dirs = new Set(omitted.map(directoryOf));
      if (dirs.size !== 1) return `in ${dirs.size} directories`;
      const [dir] = dirs;
      return dir?.includes('/') && !/[()[\]\n]/.test(dir) ? `in ${dir}` : undefined;
    },
  });
}
