import type { Segment } from './segment.js';

/** A string that is data, not text a model reads as words: base64 (images, encrypted reasoning) or a data URL. */
function isBlob(value: string): boolean {
  return value.startsWith('data:') || (value.length >= 256 && /^[A-Za-z0-9+/=_-]+$/.test(value));
}

/**
 * The text a request carries outside its segments — what the parser did not read (an unknown
 * item's text, a field a format adds later, ids and roles) — so a request's size counts all of it
 * and savings are not reported against only the part that was understood. Blobs are left out:
 * they are not billed as text.
 */
export function unreadText(request: unknown, segments: readonly Segment[]): string {
  const read = new Set(segments.map((s) => JSON.stringify(s.path)));
  const parts: string[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (read.has(JSON.stringify(path))) return;
    if (typeof value === 'string') {
      if (!isBlob(value)) parts.push(value);
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, [...path, i]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(request, []);
  return parts.join('\n');
}
