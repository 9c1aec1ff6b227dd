import type { Transform } from '@headroom/core';
import { createCodeCrusher } from './code/code-crusher.js';
import { createDiffCrusher } from './diff/diff-crusher.js';
import { createHtmlCrusher } from './html/html-crusher.js';
import { createJsonCrusher } from './json/json-crusher.js';
import { createListingCrusher } from './listing/listing-crusher.js';
import { createLogCrusher } from './log/log-crusher.js';
import { createProseCrusher } from './prose/prose-crusher.js';
import { createSearchCrusher } from './search/search-crusher.js';
import { createTableCrusher } from './table/table-crusher.js';
import { createToolSchemaCrusher } from './tool-schema/tool-schema-crusher.js';

/**
 * Every crusher, in routing order: each segment goes to the first one that takes its content
 * type (see `detectContentType`).
 */
export function defaultCrushers(): Transform[] {
  return [
    createJsonCrusher(),
    createDiffCrusher(),
    createSearchCrusher(),
    createListingCrusher(),
    createTableCrusher(),
    createHtmlCrusher(),
    createCodeCrusher(),
    createProseCrusher(),
    createLogCrusher(),
    createToolSchemaCrusher(),
  ];
}
