import { scanJson } from '../transforms/json-minify/json-scanner.js';

/**
 * The content types a router can assign to a segment (`tool-schema` is given by the adapter,
 * never detected: it marks the description of a tool the request offers). Core names them so transforms and
 * routers from different packages agree; `@headroom/crushers` provides the full detector.
 */
export type ContentType =
  | 'json'
  | 'log'
  | 'diff'
  | 'search'
  | 'listing'
  | 'stack-trace'
  | 'code'
  | 'html'
  | 'markdown'
  | 'prose'
  | 'table'
  | 'tool-schema'
  | 'text';

/** Assigns a content type to a text. Must be fast, deterministic, and never throw. */
export type ContentDetector = (text: string) => ContentType;

/**
 * The minimal detector core ships: `json` for a valid JSON document or NDJSON stream,
 * `text` for everything else. Routers with more types replace it.
 */
export const detectBasicContentType: ContentDetector = (text) => (scanJson(text).ok ? 'json' : 'text');
