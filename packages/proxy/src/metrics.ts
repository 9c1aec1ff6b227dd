// Node-only (prom-client): the proxy's figures in Prometheus text format, for `GET /metrics`.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ProxyMetrics } from './proxy.js';
import type { RequestLabels } from './stats.js';

export interface ProxyMetricsOptions {
  /** The store of originals, measured at each scrape; undefined when there is none to measure. */
  readonly storeSize?: () => Promise<{ readonly entries: number; readonly bytes: number } | undefined>;
  /** Also the Node process's own metrics (CPU, memory, event-loop lag). Default true. */
  readonly processMetrics?: boolean;
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The figures the dashboard shows, as Prometheus metrics of this process: every counter the proxy
 * keeps (see `StatsTally`) is mirrored as it is counted, so a fleet's figures are summed by
 * Prometheus across its replicas, never by the proxy. Compression time and upstream latency (to the
 * reply's headers) are histograms; the store's size is read at each scrape.
 *
 * @example
 * const metrics = createProxyMetrics({ storeSize: async () => store.stats() })
 * serveProxy({ metrics })   // GET /metrics
 */
export function createProxyMetrics(options: ProxyMetricsOptions = {}): ProxyMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'headroom_process_' });
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const byRequest = ['agent', 'model'];
  const requests = counter('headroom_requests_total', 'Requests to the compressed endpoints.', byRequest);
  const compressed = counter('headroom_compressed_requests_total', 'Requests that went upstream smaller.', byRequest);
  const sessions = counter('headroom_sessions_total', 'Conversations seen for the first time.', byRequest);
  const tokensBefore = counter('headroom_tokens_before_total', 'Request tokens as the clients sent them.', byRequest);
  const tokensAfter = counter('headroom_tokens_after_total', 'Request tokens as they went upstream.', byRequest);
  const tokensSaved = counter('headroom_tokens_saved_total', 'Request tokens compression took off.', byRequest);
  const savedUsd = counter('headroom_saved_usd_total', 'Dollars not spent on input tokens, at list prices.', byRequest);
  const images = counter('headroom_images_total', 'Inline images in requests.', byRequest);
  const imageTokens = counter(
    'headroom_image_tokens_total',
    'Input tokens the inline images cost, by each provider rule.',
    byRequest,
  );
  const imageTokensSaved = counter(
    'headroom_image_tokens_saved_total',
    'Input tokens images cost less as sent (over the budget, or shown before) than as they came.',
    byRequest,
  );
  const imagesDownscaled = counter(
    'headroom_images_downscaled_total',
    'Images sent below their provider size (over the budget), their originals behind keys.',
    byRequest,
  );
  const imageDuplicates = counter(
    'headroom_image_duplicates_total',
    'Images replaced by a note naming the earlier one.',
    byRequest,
  );
  const imagesPassed = counter(
    'headroom_images_passed_total',
    'Images sent as they came because they could not be read or decoded, by reason.',
    ['reason'],
  );
  const segments = counter('headroom_transform_segments_total', 'Segments each transform compressed.', ['transform']);
  const transformBefore = counter('headroom_transform_tokens_before_total', 'Tokens in, by transform.', ['transform']);
  const transformAfter = counter('headroom_transform_tokens_after_total', 'Tokens out, by transform.', ['transform']);
  const transformSaved = counter('headroom_transform_tokens_saved_total', 'Tokens saved, by transform.', ['transform']);
  const retrieveRounds = counter(
    'headroom_retrieve_rounds_total',
    'headroom_retrieve calls the proxy answered.',
    byRequest,
  );
  const upstreamTokens = counter(
    'headroom_upstream_tokens_total',
    'Tokens the upstream reported: input, cache_read, cache_write, output.',
    [...byRequest, 'kind'],
  );
  const outputByArm = counter(
    'headroom_output_shaping_tokens_total',
    'Output tokens by output-shaping arm (off, shaped, holdout) and turn kind.',
    ['arm', 'turn'],
  );
  const errors = counter(
    'headroom_errors_total',
    'Requests forwarded uncompressed (by reason), upstream error replies (upstream-STATUS) and requests over their window.',
    ['reason'],
  );
  const compressionSeconds = new Histogram({
    name: 'headroom_compression_seconds',
    help: 'Time compressing one request.',
    buckets: SECONDS,
    registers: [registry],
  });
  const upstreamSeconds = new Histogram({
    name: 'headroom_upstream_seconds',
    help: 'Time from sending a request upstream to the headers of its reply.',
    buckets: SECONDS,
    registers: [registry],
  });
  const storeSize = options.storeSize;
  const store = {
    entries: new Gauge({ name: 'headroom_store_entries', help: 'Originals in the store.', registers: [registry] }),
    bytes: new Gauge({ name: 'headroom_store_bytes', help: 'Bytes of originals in the store.', registers: [registry] }),
  };

  const simple: Record<string, Counter> = {
    requests,
    compressedRequests: compressed,
    sessions,
    tokensBefore,
    tokensAfter,
    tokensSaved,
    estimatedSavedUsd: savedUsd,
    retrieveRounds,
    images,
    imageTokens,
    imageTokensSaved,
    imagesDownscaled,
    imageDuplicates,
  };
  const upstreamKinds: Record<string, string> = {
    inputTokens: 'input',
    cacheReadTokens: 'cache_read',
    cacheWriteTokens: 'cache_write',
    outputTokens: 'output',
  };
  const transformFields: Record<string, Counter> = {
    segments,
    tokensBefore: transformBefore,
    tokensAfter: transformAfter,
    tokensSaved: transformSaved,
  };

  return {
    observe(labels: RequestLabels, name: string, value: number) {
      const request = { agent: labels.agent, model: labels.model };
      if (name === 'compressionMs') return compressionSeconds.observe(value / 1000);
      const plain = simple[name];
      if (plain) return plain.inc(request, value);
      const kind = upstreamKinds[name];
      if (kind) return upstreamTokens.inc({ ...request, kind }, value);
      if (name.startsWith('transform.')) {
        const dot = name.lastIndexOf('.');
        const field = transformFields[name.slice(dot + 1)];
        return field?.inc({ transform: name.slice('transform.'.length, dot) }, value);
      }
      if (name.startsWith('imagesPassed.'))
        return imagesPassed.inc({ reason: name.slice('imagesPassed.'.length) }, value);
      if (name.startsWith('passedThrough.')) return errors.inc({ reason: name.slice('passedThrough.'.length) }, value);
      if (name.startsWith('upstreamErrors.')) return errors.inc({ reason: `upstream-${name.slice(15)}` }, value);
      if (name === 'overflowRequests') return errors.inc({ reason: 'context-overflow' }, value);
      const output = /^output\.(off|shaped|holdout)\.([a-z]+)\.[^.]+\.sum$/.exec(name);
      if (output) outputByArm.inc({ arm: output[1] as string, turn: output[2] as string }, value);
    },
    // Error statuses are counted in headroom_errors_total; the latency is every reply's.
    upstream(_status: number, ms: number) {
      upstreamSeconds.observe(ms / 1000);
    },
    async render() {
      if (storeSize) {
        // A store that cannot be measured right now leaves its gauges as they were.
        const size = await storeSize().catch(() => undefined);
        if (size) {
          store.entries.set(size.entries);
          store.bytes.set(size.bytes);
        }
      }
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
