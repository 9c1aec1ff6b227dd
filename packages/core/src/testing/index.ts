// Test helpers for transform authors. Imports vitest, so use it from test files only.
export { type ConformanceCase, type ConformanceOptions, runTransformConformance } from './conformance.js';
export {
  type DialectConformanceOptions,
  type DialectRequestCase,
  runDialectConformance,
} from './dialect-conformance.js';
