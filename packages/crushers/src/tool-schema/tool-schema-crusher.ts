import { formatMarker, hasMarkers, type Transform } from '@headroom/core';

/** Descriptions up to this many characters stay as they are: a marker would cost more than it saves. */
const SHORT_DESCRIPTION = 120;
/** What a shortened description keeps: its first sentence, or whole sentences up to this length. */
const KEPT_CHARS = 120;
const EXAMPLE = /^\s*(#+\s*)?(examples?|e\.g\.|for example|usage|sample (call|usage)|example usage)\b/i;
const FENCE = /^\s*(```|~~~)/;

/**
 * Tool descriptions (and parameter descriptions) in the request's tool list: examples and
 * code blocks go, and the rest is cut to its first paragraph or first sentences, with a marker
 * counting the characters left out. Names, types, required fields, enums and defaults are not
 * descriptions and are never touched. Deterministic, so the tool list stays byte-stable from
 * turn to turn and the prompt cache holds.
 */
export function createToolSchemaCrusher(): Transform {
  return {
    specificationVersion: 'v1',
    name: 'tool-schema-crusher',
    version: '1',
    contentTypes: ['tool-schema'],
    compress({ text }, { retrievalKey, tokenizer }) {
      if (text.length <= SHORT_DESCRIPTION || hasMarkers(text)) return { text };
      const kept = firstSentences(withoutExamples(text), KEPT_CHARS);
      if (kept.length >= text.length) return { text };
      const marker = formatMarker({
        omitted: text.length - kept.length,
        total: text.length,
        unit: 'chars',
        detail: 'rest of the description and its examples',
        ...(retrievalKey ? { key: retrievalKey } : {}),
      });
      const shortened = `${kept} ${marker}`;
      return { text: tokenizer.count(shortened) < tokenizer.count(text) ? shortened : text };
    },
  };
}

/** The description without example paragraphs and code blocks. */
function withoutExamples(text: string): string {
  const out: string[] = [];
  let inFence = false;
  let inExample = false;
  for (const line of text.split('\n')) {
    if (FENCE.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    if (!line.trim()) inExample = false;
    else if (EXAMPLE.test(line)) inExample = true;
    if (!inExample) out.push(line);
  }
  return out.join('\n').trim();
}

/** Whole sentences from the start, up to about `limit` characters (at least one sentence); example sentences never count. */
function firstSentences(text: string, limit: number): string {
  const paragraph =
    (text.split(/\n\s*\n/)[0] ?? '').split(/(?<=[.!?])\s+(?=(for example|e\.g\.|example:|such as)\b)/i)[0] ?? '';
  if (paragraph.length <= limit) return paragraph;
  let end = 0;
  for (const m of paragraph.matchAll(/[.!?](?=\s|$)/g)) {
    if (m.index + 1 > limit && end > 0) break;
    end = m.index + 1;
  }
  return end > 0 ? paragraph.slice(0, end) : paragraph;
}
