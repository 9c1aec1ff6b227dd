// @headroom/crushers — the content router and the deterministic compressors.

export { type CodeCrusherOptions, createCodeCrusher } from './code/code-crusher.js';
export { type CodeLanguage, detectLanguage } from './code/languages.js';
export type { GrammarLoader } from './code/parser.js';
export { type CrushOptions, type CrushTextOptions, compress, compressText } from './compress.js';
export { defaultCrushers } from './crushers.js';
export { createDiffCrusher } from './diff/diff-crusher.js';
export { foldToFit } from './fit/fold-to-fit.js';
export { createHtmlCrusher } from './html/html-crusher.js';
export { createJsonCrusher, type JsonCrusherOptions } from './json/json-crusher.js';
export { lineBudget } from './lines/budget.js';
export { createLineCrusher, type LineCrusherSpec } from './lines/line-crusher.js';
export { createListingCrusher } from './listing/listing-crusher.js';
export { createLogCrusher } from './log/log-crusher.js';
export { createProseCrusher, sentenceBudget } from './prose/prose-crusher.js';
export { detectContentType } from './router/detect.js';
export { createSearchCrusher } from './search/search-crusher.js';
export { memberBudget } from './select/members.js';
export { createTableCrusher } from './table/table-crusher.js';
export { createToolSchemaCrusher } from './tool-schema/tool-schema-crusher.js';
