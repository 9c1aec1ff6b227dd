/**
 * Omission markers: the one format every transform uses to say, in place, what it left out.
 *
 *   [… 412 of 500 lines omitted · headroom:8f3a9c2b1d4e5f60a7b8c9d0 …]
 *   [… 37 of 120 rows omitted (status=ok: 30, status=skipped: 7) …]
 *
 * `omitted` and `total` are exact counts in `unit` (lines, rows, items, chars, …). The
 * optional detail in parentheses breaks the omission down (for example per categorical
 * value). The key appears only when a retrieval path exists; `headroom retrieve KEY` and the
 * `headroom_retrieve` tool take it verbatim.
 */
export interface OmissionMarker {
  readonly omitted: number;
  readonly total: number;
  /** Plural lowercase noun: `lines`, `rows`, `items`, `chars`, `keys`, `files`, `matches`, … */
  readonly unit: string;
  /** A breakdown of what was omitted. Must not contain parentheses, brackets or newlines. */
  readonly detail?: string;
  /** CCR key of the segment's original, when the caller has a retrieval path. */
  readonly key?: string;
}

/** A marker found in text, with its position. */
export interface MarkerMatch extends OmissionMarker {
  readonly start: number;
  readonly end: number;
  readonly raw: string;
}

/** Length of a CCR key in hex digits (96 bits: collision-safe for any realistic store). */
export const KEY_LENGTH = 24;

/** The prefix that introduces a key inside a marker; also how users recognise one. */
export const KEY_PREFIX = 'headroom:';

const UNIT = /^[a-z]+(?: [a-z]+)*$/;
const KEY = new RegExp(`^[0-9a-f]{${KEY_LENGTH}}$`);
const MARKER =
  /\[… (\d+) of (\d+) ([a-z]+(?: [a-z]+)*) omitted(?: \(([^()[\]\n]*)\))?(?: · headroom:([0-9a-f]+))? …\]/g;
/** Anything that starts like a marker; used to find malformed ones. */
const MARKER_START = /\[… \d/g;

/**
 * Formats an omission marker.
 *
 * @example
 * formatMarker({ omitted: 412, total: 500, unit: 'lines' })
 * // → '[… 412 of 500 lines omitted …]'
 */
export function formatMarker(marker: OmissionMarker): string {
  const { omitted, total, unit, detail, key } = marker;
  if (!Number.isSafeInteger(omitted) || !Number.isSafeInteger(total) || omitted < 1 || omitted > total) {
    throw new RangeError(`marker counts must satisfy 1 <= omitted <= total (got ${omitted} of ${total})`);
  }
  if (!UNIT.test(unit)) throw new RangeError(`marker unit must be lowercase words (got ${JSON.stringify(unit)})`);
  if (detail !== undefined && /[()[\]\n]/.test(detail)) {
    throw new RangeError('marker detail must not contain parentheses, brackets or newlines');
  }
  if (key !== undefined && !KEY.test(key)) throw new RangeError(`not a CCR key: ${JSON.stringify(key)}`);
  const detailPart = detail ? ` (${detail})` : '';
  const keyPart = key ? ` · ${KEY_PREFIX}${key}` : '';
  return `[… ${omitted} of ${total} ${unit} omitted${detailPart}${keyPart} …]`;
}

/** Every well-formed marker in `text`, in order. */
export function parseMarkers(text: string): MarkerMatch[] {
  const found: MarkerMatch[] = [];
  for (const m of text.matchAll(MARKER)) {
    const [raw, omitted, total, unit, detail, key] = m;
    found.push({
      omitted: Number(omitted),
      total: Number(total),
      unit: unit as string,
      ...(detail !== undefined ? { detail } : {}),
      ...(key !== undefined ? { key } : {}),
      start: m.index,
      end: m.index + raw.length,
      raw,
    });
  }
  return found;
}

/** True when `text` holds at least one Headroom omission marker. */
export function hasMarkers(text: string): boolean {
  MARKER.lastIndex = 0;
  const found = MARKER.test(text);
  MARKER.lastIndex = 0;
  return found;
}

/**
 * Problems with the markers in `text`: text that starts like a marker but does not parse,
 * impossible counts, keys of the wrong length, markers inside markers. Empty when all is well.
 */
export function validateMarkers(text: string): string[] {
  const problems: string[] = [];
  const markers = parseMarkers(text);
  const starts = new Set(markers.map((m) => m.start));
  for (const m of text.matchAll(MARKER_START)) {
    if (starts.has(m.index)) continue;
    const close = text.indexOf(' …]', m.index);
    const inner = text.indexOf('[… ', m.index + 1);
    const nested = close >= 0 && inner >= 0 && inner < close;
    problems.push(`${nested ? 'nested' : 'malformed'} marker at offset ${m.index}`);
  }
  for (const m of markers) {
    if (m.omitted < 1 || m.omitted > m.total) problems.push(`impossible counts in ${m.raw}`);
    if (m.key !== undefined && m.key.length !== KEY_LENGTH) problems.push(`bad key length in ${m.raw}`);
  }
  return problems;
}
