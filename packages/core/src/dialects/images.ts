import { isRecord } from '../request/json-path.js';
import type { JsonPath } from '../request/segment.js';

/** An image a request carries inline, where it is, and how it is written there. */
export interface ImageRef {
  /** The string holding it: bare base64 data, or a `data:` URL. */
  readonly path: JsonPath;
  readonly mediaType: string;
  /** The base64 payload. */
  readonly data: string;
  /** Written as a `data:<type>;base64,…` URL rather than bare base64. */
  readonly dataUrl: boolean;
  /** OpenAI's `detail` (`low`, `high`, `auto`), where given. */
  readonly detail?: string;
  /** Index of the message (or input item, or content) that carries it. */
  readonly message: number;
  /** The block or part the image is (what a note replaces, or is written beside). */
  readonly part?: JsonPath;
}

/** The media type and base64 payload of a `data:` URL; undefined for any other URL (left alone). */
export function dataUrlParts(url: unknown): { mediaType: string; data: string } | undefined {
  if (typeof url !== 'string' || !url.startsWith('data:')) return undefined;
  const match = /^data:([\w.+-]+\/[\w.+-]+)(?:;[^,;]*)*;base64,/.exec(url.slice(0, 200));
  return match?.[1] ? { mediaType: match[1], data: url.slice(match[0].length) } : undefined;
}

/** Images among `parts` (content blocks or parts), `read` telling each one's image, if any. */
export function imagesIn(
  parts: unknown,
  path: JsonPath,
  read: (part: Record<string, unknown>, at: JsonPath) => ImageRef | ImageRef[] | undefined,
): ImageRef[] {
  if (!Array.isArray(parts)) return [];
  return parts.flatMap((part, k) => {
    if (!isRecord(part)) return [];
    const at = [...path, k];
    const found = read(part, at);
    // The innermost part holding the image names it (a tool result's image, not the tool result).
    return (found === undefined ? [] : Array.isArray(found) ? found : [found]).map((ref) => ({ part: at, ...ref }));
  });
}

/** An image given as a `data:` URL at `path`, with its message and detail. */
export function dataUrlImage(url: unknown, path: JsonPath, message: number, detail?: unknown): ImageRef | undefined {
  const parts = dataUrlParts(url);
  if (!parts) return undefined;
  return { path, ...parts, dataUrl: true, message, ...(typeof detail === 'string' ? { detail } : {}) };
}
