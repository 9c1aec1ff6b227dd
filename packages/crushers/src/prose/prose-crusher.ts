import {
  anchorHits,
  BM25_LENGTH_NORMALIZATION,
  bm25Scores,
  bm25ScoresEach,
  definitionHits,
  formatMarker,
  hasMarkers,
  queryAnchors,
  type Transform,
  type WeightedTerms,
  weightedQueryTerms,
} from '@headroom/core';
import { spreadBlocks } from '../lines/line-crusher.js';

/** Documents up to this many sentences are never cut (fewer when a query says what matters). */
const SMALL_DOCUMENT = 24;
const SMALL_DOCUMENT_WITH_QUERY = 8;
/** With a query, the share of sentences kept beyond the best-matching passage: the most relevant ones and their neighbours. */
const QUERY_SHARE = 0.15;
/** The same share when no paragraph stands out as the answer's. */
const UNSURE_SHARE = 0.3;
/**
 * A paragraph scoring at least this share of the best one's score stays beside it: on SQuAD the
 * answer's paragraph is second best in a third of the questions the best paragraph misses.
 */
const RUNNER_UP = 0.65;
const HEADING = /^(#{1,6}\s|={3,}\s*$|-{3,}\s*$|[A-Z][A-Z0-9 _-]{2,60}$)/;
const LIST_ITEM = /^\s*([-*+•]|\d+[.)])\s+/;
const FENCE = /^\s*(```|~~~)/;
/**
 * Where a sentence ends: after `.`, `!` or `?` (and a closing quote or bracket), before a capital
 * or a digit — but not after an abbreviation or an initial (`St. Johns River`, `J. Smith`, `e.g.`),
 * which would cut a sentence in two and lose the half that holds the answer.
 */
const SENTENCE_END =
  /(?<=[.!?]["')\]]?)(?<!\b(?:St|Mt|Ft|Mr|Mrs|Ms|Dr|Jr|Sr|Prof|Gen|Gov|Sen|Rep|Rev|Capt|Lt|Col|Sgt|No|vs|etc|Inc|Ltd|Co|Corp|approx|e\.g|i\.e|U\.S|U\.K|[A-Z])\.)\s+(?=["'([]?[A-Z0-9])/g;

interface Sentence {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** First sentence of its paragraph or list item: what a reader skims. */
  readonly leads: boolean;
  /** Index of the paragraph (run of text lines between blank lines or headings) it belongs to. */
  readonly paragraph: number;
}

/** How many sentences stay: 34 of 100, 73 of 500. */
export function sentenceBudget(n: number): number {
  return n <= SMALL_DOCUMENT ? n : Math.min(n, Math.round(6 + 2.5 * Math.sqrt(n) + 0.05 * n));
}

/**
 * Prose and Markdown, extractively: headings and the document's structure stay; sentences are
 * kept verbatim by relevance to the query (BM25, exact anchors, definitions), then the first
 * sentence of each paragraph and list item, then an even sample; omitted runs become markers
 * counting sentences. Code blocks count as one sentence per line.
 */
export function createProseCrusher(): Transform {
  return {
    specificationVersion: 'v1',
    name: 'prose-crusher',
    version: '1',
    contentTypes: ['prose', 'markdown'],
    compress({ text, query, toolName }, { retrievalKey, tokenizer }) {
      if (hasMarkers(text)) return { text };
      const lines = text.split('\n');
      const { sentences, headings } = readDocument(lines);
      const n = sentences.length;
      const terms = weightedQueryTerms(query, toolName);
      const focused = terms.terms.length > 0;
      if (n <= (focused ? SMALL_DOCUMENT_WITH_QUERY : SMALL_DOCUMENT)) return { text };

      const keep = new Uint8Array(n);
      const texts = sentences.map((s) => s.text);
      const anchors = queryAnchors(query);
      for (const i of anchorHits(texts, anchors)) keep[i] = 1;
      for (const i of definitionHits(texts, anchors)) keep[i] = 1;
      keep[0] = 1;
      const passage = focused ? bestParagraph(sentences, terms) : [];
      for (const i of passage) keep[i] = 1;
      // Without a passage that stands out, the answer's place is less sure: more sentences stay.
      const share = passage.length ? QUERY_SHARE : UNSURE_SHARE;
      const budget = focused ? Math.max(4, Math.ceil(n * share)) + passage.length : sentenceBudget(n);
      let kept = keep.reduce((a, b) => a + b, 0);
      // Scored twice from one reading: with BM25's length penalty, and without it (below).
      const [scores, unnormalized] = bm25ScoresEach(texts, terms, [BM25_LENGTH_NORMALIZATION, 0]) as [
        number[],
        number[],
      ];
      const ranked = [...scores.keys()]
        .filter((i) => (scores[i] as number) > 0)
        .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
      // An answer often sits in the sentence next to the best match: the two best bring their neighbours.
      const neighbours = ranked
        .slice(0, 2)
        .flatMap((i) => [i - 1, i + 1].filter((j) => j >= 0 && j < n && sentences[j]?.line === sentences[i]?.line));
      // A long sentence (a list of names) that holds a rare query word loses to short ones on
      // BM25's length penalty; scored without it, its best stays too.
      const long = [...unnormalized.keys()]
        .filter((i) => (unnormalized[i] as number) > 0)
        .sort((a, b) => (unnormalized[b] as number) - (unnormalized[a] as number) || a - b)
        .slice(0, 1);
      const leads = sentences.map((s, i) => (s.leads ? i : -1)).filter((i) => i >= 0);
      for (const i of [...ranked.slice(0, 4), ...long, ...neighbours, ...ranked.slice(4), ...leads]) {
        if (kept >= budget) break;
        if (!keep[i]) {
          keep[i] = 1;
          kept++;
        }
      }
      spreadBlocks(keep, budget - kept);
      keepCheapGaps(sentences, keep, retrievalKey);
      const crushed = emit(lines, sentences, headings, keep, retrievalKey);
      return { text: tokenizer.count(crushed) < tokenizer.count(text) ? crushed : text };
    },
  };
}

/**
 * The sentences of the paragraph that best matches the query (BM25 over whole paragraphs), when
 * it stands out and is not most of the document: a question is usually answered by one passage,
 * and a sentence-level match can miss the sentence that holds the answer.
 */
function bestParagraph(sentences: readonly Sentence[], terms: WeightedTerms): number[] {
  const paragraphs = new Map<number, number[]>();
  sentences.forEach((s, i) => {
    const members = paragraphs.get(s.paragraph);
    if (members) members.push(i);
    else paragraphs.set(s.paragraph, [i]);
  });
  if (paragraphs.size < 2) return [];
  const groups = [...paragraphs.values()];
  const scores = bm25Scores(
    groups.map((g) => g.map((i) => sentences[i]?.text ?? '').join(' ')),
    terms,
  );
  const order = [...scores.keys()]
    .filter((g) => (scores[g] as number) > 0)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const [best, second] = order;
  if (best === undefined) return [];
  // A runner-up nearly as good is as likely to hold the answer: both stay.
  const chosen =
    second !== undefined && (scores[second] as number) >= (scores[best] as number) * RUNNER_UP
      ? [best, second]
      : [best];
  const members = chosen.flatMap((g) => groups[g] as number[]);
  return members.length <= sentences.length * 0.4 ? members : [];
}

/** Runs of omitted sentences barely longer than their marker are cheaper to show than to hide. */
function keepCheapGaps(sentences: readonly Sentence[], keep: Uint8Array, key: string | undefined): void {
  const markerChars = formatMarker({
    omitted: 1,
    total: sentences.length,
    unit: 'sentences',
    ...(key ? { key } : {}),
  }).length;
  let i = 0;
  while (i < sentences.length) {
    if (keep[i]) {
      i++;
      continue;
    }
    let j = i;
    let chars = 0;
    while (j < sentences.length && !keep[j]) chars += (sentences[j++] as Sentence).text.length + 1;
    if (chars <= markerChars * 1.5) keep.fill(1, i, j);
    i = j;
  }
}

function readDocument(lines: readonly string[]): { sentences: Sentence[]; headings: Set<number> } {
  const sentences: Sentence[] = [];
  const headings = new Set<number>();
  let inFence = false;
  let paragraphStart = true;
  let paragraph = -1;
  lines.forEach((line, i) => {
    if (FENCE.test(line)) {
      inFence = !inFence;
      headings.add(i); // fence lines stay so kept code keeps its block
      return;
    }
    if (!line.trim()) {
      paragraphStart = true;
      return;
    }
    if (inFence) {
      if (paragraphStart) paragraph++;
      paragraphStart = false;
      sentences.push({ line: i, start: 0, end: line.length, text: line, leads: false, paragraph });
      return;
    }
    if (HEADING.test(line.trim()) || (i + 1 < lines.length && /^(={3,}|-{3,})\s*$/.test(lines[i + 1] ?? ''))) {
      headings.add(i);
      paragraphStart = true;
      return;
    }
    const leadsLine = paragraphStart || LIST_ITEM.test(line);
    if (paragraphStart) paragraph++;
    let from = 0;
    let first = true;
    for (const m of line.matchAll(SENTENCE_END)) {
      sentences.push({
        line: i,
        start: from,
        end: m.index,
        text: line.slice(from, m.index),
        leads: leadsLine && first,
        paragraph,
      });
      from = m.index + m[0].length;
      first = false;
    }
    sentences.push({
      line: i,
      start: from,
      end: line.length,
      text: line.slice(from),
      leads: leadsLine && first,
      paragraph,
    });
    paragraphStart = false;
  });
  return { sentences, headings };
}

function emit(
  lines: readonly string[],
  sentences: readonly Sentence[],
  headings: ReadonlySet<number>,
  keep: Uint8Array,
  key: string | undefined,
): string {
  const out: string[] = [];
  const total = sentences.length;
  let omitted = 0;
  const flush = () => {
    if (omitted) out.push(formatMarker({ omitted, total, unit: 'sentences', ...(key ? { key } : {}) }));
    omitted = 0;
  };
  let s = 0;
  lines.forEach((line, i) => {
    if (headings.has(i)) {
      flush();
      out.push(line);
      return;
    }
    if (!line.trim()) {
      if (!omitted && out.length && out[out.length - 1] !== '') out.push('');
      return;
    }
    // The line's sentences, in order; contiguous kept ones are sliced from the line as written.
    let piece: { start: number; end: number } | undefined;
    const pieces: string[] = [];
    while (s < sentences.length && (sentences[s] as Sentence).line === i) {
      const sentence = sentences[s] as Sentence;
      if (keep[s]) {
        if (omitted) {
          if (piece) pieces.push(line.slice(piece.start, piece.end));
          piece = undefined;
          if (pieces.length) out.push(pieces.splice(0).join(''));
          flush();
        }
        piece = piece ? { start: piece.start, end: sentence.end } : { start: sentence.start, end: sentence.end };
      } else {
        if (piece) pieces.push(line.slice(piece.start, piece.end));
        piece = undefined;
        omitted++;
      }
      s++;
    }
    if (piece) pieces.push(line.slice(piece.start, piece.end));
    if (pieces.length) out.push(pieces.join(' '));
  });
  flush();
  return out.join('\n');
}
