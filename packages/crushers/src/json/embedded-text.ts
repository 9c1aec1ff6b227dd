import type { Transform, TransformContext, TransformInput } from '@headroom/core';
import { createCodeCrusher } from '../code/code-crusher.js';
import { createDiffCrusher } from '../diff/diff-crusher.js';
import { createListingCrusher } from '../listing/listing-crusher.js';
import { createLogCrusher } from '../log/log-crusher.js';
import { detectContentType } from '../router/detect.js';
import { createSearchCrusher } from '../search/search-crusher.js';
import { createTableCrusher } from '../table/table-crusher.js';

/** A string value shorter than this, or with fewer lines, is not a document of its own. */
export const EMBEDDED_MIN_CHARS = 2000;
const EMBEDDED_MIN_LINES = 20;

let crushers: Transform[] | undefined;

/**
 * Compresses multi-line text carried inside a JSON string — a command's output in a tool's JSON
 * result (Codex's `exec`), a file's content or a CI log in an API response — with the crusher
 * for its own kind (listing, log, search, diff, table, code), as if it stood alone. Returns the
 * compressed text, or `undefined` when it is not such text or nothing was saved. Prose and
 * markup keep the JSON crusher's own head-and-tail cut.
 */
export async function compressEmbeddedText(
  content: string,
  input: Pick<TransformInput, 'query' | 'toolName'>,
  context: TransformContext,
): Promise<string | undefined> {
  if (content.length < EMBEDDED_MIN_CHARS) return undefined;
  let lines = 0;
  for (let i = content.indexOf('\n'); i >= 0 && lines < EMBEDDED_MIN_LINES; i = content.indexOf('\n', i + 1)) lines++;
  if (lines < EMBEDDED_MIN_LINES) return undefined;
  const contentType = detectContentType(content);
  crushers ??= [
    createDiffCrusher(),
    createSearchCrusher(),
    createListingCrusher(),
    createTableCrusher(),
    createCodeCrusher(),
    createLogCrusher(),
  ];
  const crusher = crushers.find((c) => c.contentTypes.includes(contentType));
  if (!crusher) return undefined;
  const { text } = await crusher.compress({ ...input, text: content, contentType }, context);
  return text.length < content.length ? text : undefined;
}
