// The Headroom contract. Everything here is runtime-neutral: no Node built-ins, no native
// modules, no ML, no HTTP framework.

export { decodeUtf8InTurns } from './async/decode-in-turns.js';
export { nextTurn, safeCut } from './async/next-turn.js';
export type {
  CompressionFigures,
  CompressOptions,
  CompressResult,
  CompressTextOptions,
  CompressTextResult,
} from './compress.js';
export { compress, compressText } from './compress.js';
export { type ContentDetector, type ContentType, detectBasicContentType } from './content/content-type.js';
export { type FixedWidthLayout, fixedWidthCells, fixedWidthLayout } from './content/fixed-width.js';
export { type FitOptions, type FitResult, type FoldToFit, fitRequest } from './context-fit/fit-request.js';
export { type ContextWindow, contextWindowOf, parseContextWindows, promptBudget } from './context-fit/windows.js';
export { parseAnthropic } from './dialects/anthropic/parse.js';
export type {
  RetrieveAnswer,
  RetrieveCall,
  StreamReply,
  StreamTurn,
  WireDialect,
} from './dialects/dialect.js';
export { asEventStreamUrl, isJsonArrayStream, jsonArrayFromEvents } from './dialects/gemini/json-array.js';
export { dataUrlParts, type ImageRef } from './dialects/images.js';
export {
  appendToArrayAt,
  arraySpanAt,
  editValuesAt,
  prependMember,
  prependToArrayAt,
  replaceValueAt,
  valueSpanAt,
  valueSpansAt,
} from './dialects/json-text.js';
export { parseOpenAIChat } from './dialects/openai-chat/parse.js';
export {
  LOW_EFFORT,
  LOW_THINKING_BUDGET,
  readsAsFailure,
  type TurnKind,
} from './dialects/output-controls.js';
export { DIALECTS, dialectOf, formatOfPath } from './dialects/registry.js';
export { parseResponses } from './dialects/responses/parse.js';
export { offersRetrieveTool, RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_PARAMETERS } from './dialects/retrieve-tool.js';
export { eventJson, readSse, type SseEvent } from './dialects/sse.js';
export { type UsageFields, withFirstInput } from './dialects/usage.js';
export {
  HeadroomError,
  type HeadroomErrorCode,
  type HeadroomErrorOptions,
  InvalidOptionError,
  InvalidRequestError,
  isHeadroomError,
} from './errors/headroom-error.js';
export { contentKey, contentKeyInTurns, hasLoneSurrogate } from './hash/content-key.js';
export { sha256Hex, sha256HexInTurns } from './hash/sha256.js';
export {
  DEFAULT_IMAGE_BUDGET,
  type FitImagesOptions,
  type FittedImage,
  type FittedImages,
  fitImages,
  imageAsCame,
} from './images/fit-images.js';
export type { ImageCodec, ImageRegion } from './images/image-codec.js';
export { fromBase64, type ImageSize, imageSize, toBase64 } from './images/image-size.js';
export { type ImageProvider, imageTokens, providerMaxSize, sizeWithinBudget } from './images/image-tokens.js';
export { type ImageFigures, requestImages } from './images/request-images.js';
export {
  formatMarker,
  hasMarkers,
  KEY_LENGTH,
  KEY_PREFIX,
  type MarkerMatch,
  type OmissionMarker,
  parseMarkers,
  validateMarkers,
} from './markers/marker.js';
export { formatRetrievedHeader, isRetrievedContent, RETRIEVED_HEADER_PREFIX } from './markers/retrieved.js';
export {
  carriesInstruction,
  DEFAULT_VERBOSITY_LEVEL,
  OUTPUT_SHAPING_TAG,
  parseVerbosityLevel,
  type VerbosityLevel,
  verbosityInstruction,
} from './output-shaping/instruction.js';
export {
  armFor,
  armOfText,
  armText,
  type OutputArm,
  type OutputShaperSettings,
} from './output-shaping/session-arm.js';
export { type ShapedRequest, shapeOutput } from './output-shaping/shape-output.js';
export type { PipelineEvent, SegmentReport } from './pipeline/events.js';
export { type FirstSight, FirstSightCache, type FirstSightMemory } from './pipeline/first-sight-cache.js';
export { createPipeline, type Pipeline, type PipelineOptions, type PipelineRun } from './pipeline/pipeline.js';
export { looksLikeData } from './policy/looks-like-data.js';
export { type CompressionPolicy, DEFAULT_POLICY, policySkipReason, type SkipReason } from './policy/policy.js';
export { anchorHits, definitionHits, pathScopes, queryAnchors } from './relevance/anchors.js';
export {
  BM25_LENGTH_NORMALIZATION,
  bm25Scores,
  bm25ScoresEach,
  isStopword,
  queryTerms,
  type WeightedTerms,
  weightedQueryTerms,
} from './relevance/bm25.js';
export { parseJsonInTurns } from './request/json-in-turns.js';
export { type SpliceOptions, spliceJsonText, type TextEdit } from './request/json-splice.js';
export type { JsonPath, RequestView, Role, Segment, SegmentFlags, SegmentKind, WireFormat } from './request/segment.js';
export { argsToText, RETRIEVE_TOOL_NAME, type ToolCallInfo, toolResultQuery } from './request/segment-builder.js';
export { FORMAT_NAMES, withArticle } from './request/shape.js';
export { detectFormat, parseRequest, writeRequest } from './request/wire.js';
export { headroomHome } from './store/headroom-home.js';
export type { Store, StoredOriginal, StoreEntry } from './store/store.js';
export { withoutPassword } from './store/without-password.js';
export {
  EXACT_COUNT_LIMIT,
  encodingForModel,
  getTokenizer,
  measureTokens,
  measureTokensInTurns,
  type Tokenizer,
  type TokenizerEncoding,
} from './tokenizer/tokenizer.js';
export type { Transform, TransformContext, TransformInput, TransformResult } from './transform/transform.js';
export { createJsonMinify } from './transforms/json-minify/json-minify.js';
export { type JsonScan, jsonStringEnd, scanJson } from './transforms/json-minify/json-scanner.js';
export { createRepeatFold, type RepeatFoldOptions } from './transforms/repeat-fold/repeat-fold.js';
