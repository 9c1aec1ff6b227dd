import { InvalidRequestError } from './errors/headroom-error.js';
import type { SegmentReport } from './pipeline/events.js';
import { createPipeline, type PipelineOptions } from './pipeline/pipeline.js';
import type { TextEdit } from './request/json-splice.js';
import type { RequestView, Segment, WireFormat } from './request/segment.js';
import { SegmentCollector } from './request/segment-builder.js';
import { unreadText } from './request/unread.js';
import { detectFormat, parseRequest, writeRequest } from './request/wire.js';
import { getTokenizer, measureTokensInTurns, type Tokenizer, type TokenizerEncoding } from './tokenizer/tokenizer.js';

export interface CompressOptions extends PipelineOptions {
  /** The request's wire format. Detected from its shape when omitted. */
  readonly format?: WireFormat;
  /** Model whose tokenizer counts tokens. Defaults to the request's `model` field. */
  readonly model?: string;
  /**
   * Tells the pipeline which segments already went upstream uncompressed in this session;
   * those are left as they are so the provider's prompt cache stays valid.
   */
  readonly isAlreadySent?: (segment: Segment) => boolean;
  /** Extra query text (say, the task at hand) added to every segment's own query. */
  readonly query?: string;
}

/** Figures every compression reports. */
export interface CompressionFigures {
  /** Tokens of the whole request's text (the parts no segment holds included, blobs left out). */
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  /** Wall time of this compression in milliseconds. */
  readonly ms: number;
  /** One entry per segment considered, skipped ones included (with the reason). */
  readonly transforms: readonly SegmentReport[];
  /** Keys of originals stored for retrieval; each appears inside a marker in the output. */
  readonly ccrKeys: readonly string[];
  /**
   * How tokens were counted; `estimate` is true for models without an exact offline tokenizer and
   * when a segment above `EXACT_COUNT_LIMIT` characters was counted by sampling.
   */
  readonly tokenizer: { readonly encoding: TokenizerEncoding; readonly estimate: boolean };
}

export interface CompressResult<R> extends CompressionFigures {
  /** The compressed request, in the same wire format. The input is never mutated. */
  readonly request: R;
  readonly format: WireFormat;
  /**
   * The changed strings and where they live. `spliceJsonText(body, edits)` applies them to the
   * request's original JSON text, keeping every other byte as the client sent it.
   */
  readonly edits: readonly TextEdit[];
}

/**
 * Compresses a request in any of the three wire formats with the transforms it is given.
 * A request that cannot be compressed comes back unchanged; one whose shape is wrong throws
 * `InvalidRequestError`.
 *
 * @example
 * import { compress, createJsonMinify } from '@headroom/core'
 * const { request, tokensBefore, tokensAfter } = await compress(body, { transforms: [createJsonMinify()] })
 */
export async function compress<R>(request: R, options: CompressOptions): Promise<CompressResult<R>> {
  const started = performance.now();
  const format = options.format ?? detectFormat(request);
  if (!format) {
    throw new InvalidRequestError(
      'the request is not an OpenAI Chat Completions, Anthropic Messages or OpenAI Responses body; pass format explicitly',
    );
  }
  const view = parseRequest(request, format) as RequestView<R>;
  const segments = withCallerContext(view.segments, options);
  const tokenizer = await getTokenizer(options.model ?? view.model);
  const run = await createPipeline(options).run(segments, tokenizer);
  const edits = [...run.replacements].map(([index, text]) => ({ path: view.segments[index]?.path ?? [], text }));
  // What the parser did not read goes out unchanged, and counts on both sides.
  const unread = (await measureTokensInTurns(tokenizer, unreadText(request, view.segments))).tokens;
  return {
    request: writeRequest(view, run.replacements),
    format,
    edits,
    tokensBefore: run.tokensBefore + unread,
    tokensAfter: run.tokensAfter + unread,
    ms: round(performance.now() - started),
    transforms: run.reports,
    ccrKeys: run.ccrKeys,
    tokenizer: tokenizerFigures(tokenizer, run.reports),
  };
}

export interface CompressTextOptions extends PipelineOptions {
  /** What the agent was after (the tool call and the user's question); matching content stays. */
  readonly query?: string;
  /** The tool that produced the text, if known. */
  readonly toolName?: string;
  readonly model?: string;
}

export interface CompressTextResult extends CompressionFigures {
  readonly text: string;
}

/**
 * Compresses one raw tool output, as if it were a tool result in a request.
 *
 * @example
 * const { text } = await compressText(grepOutput, { query: 'TimeoutError', transforms })
 */
export async function compressText(text: string, options: CompressTextOptions): Promise<CompressTextResult> {
  const started = performance.now();
  const collector = new SegmentCollector();
  collector.noteUserText(options.query ?? '');
  collector.add({
    message: 0,
    role: 'tool',
    kind: 'tool-result',
    text,
    path: [],
    call: options.toolName !== undefined ? { name: options.toolName, args: '' } : undefined,
  });
  const tokenizer = await getTokenizer(options.model);
  const run = await createPipeline(options).run(collector.segments, tokenizer);
  return {
    text: run.replacements.get(0) ?? text,
    tokensBefore: run.tokensBefore,
    tokensAfter: run.tokensAfter,
    ms: round(performance.now() - started),
    transforms: run.reports,
    ccrKeys: run.ccrKeys,
    tokenizer: tokenizerFigures(tokenizer, run.reports),
  };
}

/** Counts are estimates when the model has no exact tokenizer or a segment was too large to count exactly. */
function tokenizerFigures(tokenizer: Tokenizer, reports: readonly SegmentReport[]): CompressionFigures['tokenizer'] {
  return { encoding: tokenizer.encoding, estimate: tokenizer.estimate || reports.some((r) => r.estimate) };
}

function withCallerContext(segments: readonly Segment[], options: CompressOptions): readonly Segment[] {
  const { isAlreadySent, query } = options;
  if (!isAlreadySent && !query) return segments;
  return segments.map((s) => ({
    ...s,
    query: query ? (s.query ? `${s.query}\n${query}` : query) : s.query,
    flags: isAlreadySent?.(s) ? { ...s.flags, alreadySent: true } : s.flags,
  }));
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
