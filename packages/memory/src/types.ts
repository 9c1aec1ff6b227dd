/** Where a memory applies: everywhere, in one project directory, or in one session. */
export type MemoryScope = 'global' | 'project' | 'session';

/** Who said it, where and when. A merged memory keeps the provenance of every save. */
export interface Provenance {
  readonly agent: string;
  readonly session?: string;
  readonly project?: string;
  readonly at: number;
}

export interface MemoryEntry {
  readonly id: number;
  readonly text: string;
  readonly scope: MemoryScope;
  /** The project directory, for project-scoped memories. */
  readonly project?: string;
  /** The session, for session-scoped memories. */
  readonly session?: string;
  readonly tags: readonly string[];
  readonly provenance: readonly Provenance[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt?: number;
}

export interface SaveInput {
  readonly text: string;
  /** Default `project` when a project is given, else `global`. */
  readonly scope?: MemoryScope;
  /** The agent saving it (`claude-code`, `codex`, …). Default `unknown`. */
  readonly agent?: string;
  readonly session?: string;
  readonly project?: string;
  readonly tags?: readonly string[];
  /** Epoch milliseconds after which the memory is gone. */
  readonly expiresAt?: number;
  /** For imports: keep the original times and provenance. */
  readonly createdAt?: number;
  readonly provenance?: readonly Provenance[];
}

export interface SaveResult {
  readonly entry: MemoryEntry;
  /** `duplicate`: the same text was already there; `merged`: a near-duplicate was updated. */
  readonly outcome: 'created' | 'duplicate' | 'merged';
}

/** Who is asking: memories of this project and session are visible, with the global ones. */
export interface MemoryContext {
  readonly project?: string;
  readonly session?: string;
}

export interface SearchOptions extends MemoryContext {
  readonly limit?: number;
  /** Only memories carrying every one of these tags. */
  readonly tags?: readonly string[];
  /** Only memories of this scope. */
  readonly scope?: MemoryScope;
}

export interface SearchHit {
  readonly entry: MemoryEntry;
  /** Fused rank score (higher is better); comparable within one search only. */
  readonly score: number;
  /** Which searches found it. */
  readonly matchedBy: readonly ('text' | 'vector')[];
}

/** What every memory takes, wherever it is kept. */
export interface MemoryRuleOptions {
  /** Enables semantic search next to full-text search. */
  readonly embedder?: Embedder;
  /**
   * Near-duplicates at or above this similarity (0–1, word Dice) merge, when they name the same
   * specifics (numbers, identifiers, names). Default 0.85.
   */
  readonly mergeThreshold?: number;
  /** Longest memory text accepted, in characters. Default 20,000. */
  readonly maxTextChars?: number;
  readonly now?: () => number;
  readonly onWarning?: (message: string) => void;
}

/**
 * Turns texts into vectors for semantic search. Any model fits (a local ONNX model, a hosted
 * API); the same embedder must be used for the life of a database.
 */
export interface Embedder {
  readonly dimensions: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface MemoryExport {
  readonly format: 'headroom-memory';
  readonly version: 1;
  readonly exportedAt: number;
  readonly memories: readonly MemoryEntry[];
}
