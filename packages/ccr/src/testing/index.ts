// Test helpers for store authors. Imports vitest, so use it from test files only.
export { EXACT_TEXTS, entryFor, runStoreConformance, type StoreFactory } from './store-conformance.js';
