/**
 * BM25 relevance with IDF computed on the documents given — the lines or items of one segment —
 * so a term that appears everywhere in this output counts for little and a rare one for a lot.
 */

const TERM = /[\p{L}\p{N}_]+/gu;

/** Words a query carries that say nothing about which lines matter. */
const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my no not of on or our please show so than that the their them then there these they this those to ' +
    'up us was we were what when where which who why will with would you your'
  ).split(' '),
);

/** Whether a (lowercase) word says nothing about which lines matter: `the`, `which`, `how`… */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/**
 * The terms of a text: each word, plus the parts of compound identifiers (`allow_squash_merge`
 * → allow, squash, merge; `parseHttpHeader` → parse, http, header), lowercased and stemmed.
 */
export function* textTerms(text: string): Generator<string> {
  for (const match of text.matchAll(TERM)) {
    const word = match[0];
    yield stem(word.toLowerCase());
    if (!/[_\d]|[a-z][A-Z]/.test(word)) continue;
    for (const part of word.split(/_+|(?<=[a-z])(?=[A-Z])|(?<=\D)(?=\d)|(?<=\d)(?=\D)/)) {
      if (part.length >= 2 && part.length < word.length) yield stem(part.toLowerCase());
    }
  }
}

/** Words whose terms are remembered; the memory is emptied when full (words repeat a lot within a text). */
const WORD_CACHE_ENTRIES = 50_000;
const wordTerms = new Map<string, readonly string[]>();

/** `textTerms` of one word (a match of TERM), remembered: scoring stems each distinct word once. */
function termsOfWord(word: string): readonly string[] {
  let terms = wordTerms.get(word);
  if (terms === undefined) {
    terms = [...textTerms(word)];
    if (wordTerms.size >= WORD_CACHE_ENTRIES) wordTerms.clear();
    wordTerms.set(word, terms);
  }
  return terms;
}

/**
 * A light, deterministic stemmer: accents folded (Temür → temur) and the commonest English
 * endings dropped (allied → ally, centered → center, populations → population, typically →
 * typical, ruled → rul), so a question and the sentence answering it meet on the same terms.
 */
function stem(term: string): string {
  let t = /[^ -~]/.test(term) ? term.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : term;
  if (t.length <= 3 || /\d/.test(t)) return t;
  if (t.length > 4) {
    if (t.endsWith('ies') || t.endsWith('ied')) return `${t.slice(0, -3)}y`;
    if (t.endsWith('ing') && t.length > 5) t = t.slice(0, -3);
    else if (t.endsWith('ed')) t = t.slice(0, -2);
    else if (/(ss|sh|ch|x)es$/.test(t)) t = t.slice(0, -2);
    else if (t.endsWith('s') && !t.endsWith('ss')) t = t.slice(0, -1);
    else if (t.endsWith('ly') && t.length > 5) t = t.slice(0, -2);
  }
  // A final e goes too, so rule, rules, ruled and ruling all meet on rul.
  return t.length > 3 && t.endsWith('e') ? t.slice(0, -1) : t;
}

/** The distinct, meaningful terms of a query, in first-seen order. */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const term of textTerms(query)) {
    if (term.length >= 2 && !STOPWORDS.has(term)) terms.add(term);
  }
  return [...terms];
}

/** Terms with a weight each, for `bm25Scores`. */
export interface WeightedTerms {
  readonly terms: readonly string[];
  readonly weights: readonly number[];
}

/** How much a term counts when only the tool call carries it. */
const CALL_WEIGHT = 0.5;

/**
 * A segment's query (`tool-name {args}` on its first line, then the user's words; see the
 * segment builder) as weighted terms: the user's own words count fully; the tool's name and its
 * argument values count half, since they often only echo the question or name a whole
 * collection; argument keys (`query`, `path`) say nothing about the content and are left out.
 * Without user words, the call's terms count fully.
 *
 * @example
 * weightedQueryTerms('search {"q":"oil"}\nWhy did prices rise?', 'search')
 * // → { terms: ['prices', 'rise', 'search', 'oil'], weights: [1, 1, 0.5, 0.5] } (stemmed)
 */
export function weightedQueryTerms(query: string, toolName?: string): WeightedTerms {
  let call = '';
  let user = query;
  if (toolName && query.startsWith(`${toolName} `)) {
    const lineEnd = query.indexOf('\n');
    call = `${toolName} ${argumentValues(query.slice(toolName.length + 1, lineEnd < 0 ? undefined : lineEnd))}`;
    user = lineEnd < 0 ? '' : query.slice(lineEnd + 1);
  }
  const terms = queryTerms(user);
  const seen = new Set(terms);
  const weights = terms.map(() => 1);
  for (const term of queryTerms(call)) {
    if (seen.has(term)) continue;
    terms.push(term);
    weights.push(user.trim() ? CALL_WEIGHT : 1);
  }
  return { terms, weights };
}

/** The values of JSON arguments, joined; arguments that are not JSON are taken as written. */
function argumentValues(args: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return args;
  }
  const values: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number') values.push(String(v));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(parsed);
  return values.join(' ');
}

const K1 = 1.2;
/** BM25's b: how much a long document's matches are discounted. */
export const BM25_LENGTH_NORMALIZATION = 0.75;
const B = BM25_LENGTH_NORMALIZATION;

/**
 * BM25 score of each document for the given terms (0 when a document holds none of them).
 * `lengthNormalization` is BM25's b: 0 scores a long document's matches like a short one's.
 *
 * @example
 * bm25Scores(['GET /a 200', 'GET /b 500 timeout'], queryTerms('timeout')) // → [0, 0.98…]
 */
export function bm25Scores(
  documents: readonly string[],
  query: readonly string[] | WeightedTerms,
  lengthNormalization = B,
): number[] {
  return bm25ScoresEach(documents, query, [lengthNormalization])[0] as number[];
}

/** `bm25Scores` for several values of b at the cost of reading the documents once. */
export function bm25ScoresEach(
  documents: readonly string[],
  query: readonly string[] | WeightedTerms,
  lengthNormalizations: readonly number[],
): number[][] {
  const terms = 'terms' in query ? query.terms : query;
  const weights = 'weights' in query ? query.weights : undefined;
  const empty = () => new Array<number>(documents.length).fill(0);
  if (terms.length === 0 || documents.length === 0) return lengthNormalizations.map(empty);
  const index = new Map(terms.map((t, i) => [t, i]));
  const tf: Uint32Array[] = [];
  const lengths = new Uint32Array(documents.length);
  const df = new Uint32Array(terms.length);
  let totalLength = 0;

  documents.forEach((doc, d) => {
    const counts = new Uint32Array(terms.length);
    let length = 0;
    for (const match of doc.matchAll(TERM)) {
      const stems = termsOfWord(match[0]);
      length += stems.length;
      for (const term of stems) {
        const t = index.get(term);
        if (t !== undefined) counts[t] = (counts[t] as number) + 1;
      }
    }
    for (let t = 0; t < terms.length; t++) if (counts[t]) df[t] = (df[t] as number) + 1;
    tf.push(counts);
    lengths[d] = length;
    totalLength += length;
  });

  const n = documents.length;
  const avgLength = totalLength / n || 1;
  const idf = Array.from(df, (f, t) => Math.log(1 + (n - f + 0.5) / (f + 0.5)) * (weights?.[t] ?? 1));
  return lengthNormalizations.map((b) => {
    const scores = empty();
    for (let d = 0; d < n; d++) {
      const counts = tf[d] as Uint32Array;
      const norm = K1 * (1 - b + (b * (lengths[d] as number)) / avgLength);
      let score = 0;
      for (let t = 0; t < terms.length; t++) {
        const f = counts[t] as number;
        if (f) score += ((idf[t] as number) * (f * (K1 + 1))) / (f + norm);
      }
      scores[d] = score;
    }
    return scores;
  });
}
