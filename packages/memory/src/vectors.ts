import type Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { Embedder } from './types.js';

/**
 * Vectors for semantic search, in a sqlite-vec `vec0` table next to the memories (same file,
 * same transactions). The table is built for one embedding size; an embedder of another size
 * rebuilds it from the memories' texts.
 */
export class VectorIndex {
  private indexed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly embedder: Embedder,
  ) {}

  /** Loads sqlite-vec and readies the table; without sqlite-vec (an unsupported platform), warns and returns undefined. */
  static open(db: Database.Database, embedder: Embedder, warn: (m: string) => void): VectorIndex | undefined {
    try {
      sqliteVec.load(db);
    } catch (error) {
      warn(`semantic memory search is off: sqlite-vec could not be loaded (${(error as Error).message})`);
      return undefined;
    }
    const dimensions = embedder.dimensions;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 8192)
      throw new RangeError(`an embedder's dimensions must be an integer from 1 to 8192 (got ${dimensions})`);
    const stored = db.prepare("SELECT value FROM memory_meta WHERE name = 'vector_dimensions'").get() as
      | { value: string }
      | undefined;
    if (stored?.value !== String(dimensions)) {
      db.transaction(() => {
        db.exec('DROP TABLE IF EXISTS memories_vec');
        db.exec(`CREATE VIRTUAL TABLE memories_vec USING vec0(embedding float[${dimensions}])`);
        db.prepare("INSERT OR REPLACE INTO memory_meta (name, value) VALUES ('vector_dimensions', ?)").run(
          String(dimensions),
        );
      }).immediate();
    }
    return new VectorIndex(db, embedder);
  }

  async embed(text: string): Promise<Float32Array> {
    const [vector] = await this.embedder.embed([text]);
    if (!vector || vector.length !== this.embedder.dimensions)
      throw new RangeError(
        `the embedder returned ${vector?.length ?? 0} dimensions, not the ${this.embedder.dimensions} it declares`,
      );
    return vector;
  }

  put(id: number, vector: Float32Array): void {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM memories_vec WHERE rowid = ?').run(BigInt(id));
        this.db.prepare('INSERT INTO memories_vec (rowid, embedding) VALUES (?, ?)').run(BigInt(id), vector);
      })
      .immediate();
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM memories_vec WHERE rowid = ?').run(BigInt(id));
  }

  /** Ids of the memories nearest to `vector`, nearest first. */
  nearest(vector: Float32Array, limit: number): number[] {
    return (
      this.db
        .prepare('SELECT rowid AS id FROM memories_vec WHERE embedding MATCH ? AND k = ? ORDER BY distance')
        .all(vector, limit) as { id: number | bigint }[]
    ).map((r) => Number(r.id));
  }

  /** Before the first search or save of a process: memories without a vector (saved without an embedder, or before a new one) get one. */
  async ready(): Promise<void> {
    if (this.indexed) return;
    await this.reindex();
    this.indexed = true;
  }

  /** Gives vectors to memories that have none. */
  async reindex(): Promise<number> {
    const missing = this.db
      .prepare<[], { id: number; text: string }>(
        'SELECT id, text FROM memories WHERE id NOT IN (SELECT rowid FROM memories_vec)',
      )
      .all();
    for (const row of missing) this.put(row.id, await this.embed(row.text));
    return missing.length;
  }
}
