// @headroom/proxy — the proxy as a fetch handler (runtime-neutral). Serving it on a socket is
// Node-only: import `serveProxy` from '@headroom/proxy/node'.

export {
  agentOf,
  type CounterIncrement,
  type CounterStore,
  dayOf,
  MemoryCounters,
  modelOf,
} from './counters.js';
export {
  estimateOutputSavings,
  type OutputCounterRow,
  type OutputSavings,
  type OutputStratum,
  sizeBucket,
} from './output-savings.js';
export { blendedInputPrice, type CachePricing, cachePricing, inputPrice } from './prices.js';
export { createProxy, type HeadroomProxy, type HealthCheck, type ProxyMetrics, type ProxyOptions } from './proxy.js';
export { type LedgerRow, savingsLedger } from './savings-ledger.js';
export {
  type Breakdown,
  type FiguresOf,
  type ProxyStats,
  type RequestLabels,
  type RequestRecord,
  type StatsObserver,
  statsOfCounters,
} from './stats.js';
