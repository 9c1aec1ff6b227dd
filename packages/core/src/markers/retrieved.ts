/**
 * Content returned by a retrieve call starts with this header. Any Headroom instance that sees
 * it — another process, the proxy, the MCP server — leaves the text uncompressed, so retrieved
 * originals can never be compressed again (the loop other tools fall into).
 */
export const RETRIEVED_HEADER_PREFIX = '[headroom retrieved ';

/**
 * The header line for retrieved content.
 *
 * @example
 * formatRetrievedHeader('8f3a9c2b1d4e5f60a7b8c9d0', 'original, 500 lines')
 * // → '[headroom retrieved 8f3a9c2b1d4e5f60a7b8c9d0: original, 500 lines]'
 */
export function formatRetrievedHeader(key: string, description: string): string {
  return `${RETRIEVED_HEADER_PREFIX}${key}: ${description.replace(/[\n\]]/g, ' ')}]`;
}

/** True when `text` is content a retrieve call returned. */
export function isRetrievedContent(text: string): boolean {
  return text.trimStart().startsWith(RETRIEVED_HEADER_PREFIX);
}
