import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import type { ModelFiles } from './model-dir.js';

/** Words of overlap between consecutive chunks, so no word is scored without context on one side. */
const OVERLAP_WORDS = 24;
const BATCH = 8;

/**
 * Scores words for keeping: each word's sub-tokens get the model's keep probability and the
 * word takes their mean. Text longer than the model's window is cut into chunks of whole words
 * by sub-token budget, overlapping so every word is scored — words in an overlap get the mean of
 * their scores. Chunks run in batches. Lives in a worker thread, off the request path.
 */
export class Scorer {
  private readonly pieces = new Map<string, number[]>();

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly session: ort.InferenceSession,
    private readonly files: ModelFiles,
    private readonly prefix: number[],
    private readonly suffix: number[],
  ) {}

  static async load(files: ModelFiles): Promise<Scorer> {
    const tokenizer = new Tokenizer(files.tokenizer, files.tokenizerConfig);
    const session = await ort.InferenceSession.create(files.onnx, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    // The special tokens the model expects around a sequence, as its own tokenizer adds them.
    const framed = tokenizer.encode('', { add_special_tokens: true }).ids;
    return new Scorer(tokenizer, session, files, framed.slice(0, 1), framed.slice(1));
  }

  /** Sub-token ids of one word (memoised: prose repeats its words). */
  private idsOf(word: string): number[] {
    const known = this.pieces.get(word);
    if (known) return known;
    const ids = this.tokenizer.encode(word, { add_special_tokens: false }).ids;
    if (this.pieces.size > 50_000) this.pieces.clear();
    this.pieces.set(word, ids);
    return ids;
  }

  async score(words: readonly string[]): Promise<Float32Array> {
    const budget = this.files.maxTokens - this.prefix.length - this.suffix.length;
    const ids = words.map((w) => this.idsOf(w).slice(0, budget));
    const chunks: { from: number; to: number }[] = [];
    for (let from = 0; from < words.length; ) {
      let to = from;
      let used = 0;
      while (to < words.length && used + (ids[to] as number[]).length <= budget) used += (ids[to++] as number[]).length;
      if (to === from) to = from + 1; // a word longer than the window alone: its first sub-tokens decide
      chunks.push({ from, to });
      if (to >= words.length) break;
      from = Math.max(from + 1, to - OVERLAP_WORDS);
    }
    const sums = new Float64Array(words.length);
    const counts = new Uint16Array(words.length);
    for (let b = 0; b < chunks.length; b += BATCH) {
      const batch = chunks.slice(b, b + BATCH);
      const probabilities = await this.run(batch.map((c) => ids.slice(c.from, c.to)));
      batch.forEach((chunk, row) => {
        const tokenScores = probabilities[row] as Float32Array;
        let t = this.prefix.length;
        for (let w = chunk.from; w < chunk.to; w++) {
          const n = (ids[w] as number[]).length;
          let sum = 0;
          for (let k = 0; k < n; k++) sum += tokenScores[t + k] as number;
          t += n;
          sums[w] = (sums[w] as number) + (n ? sum / n : 0);
          counts[w] = (counts[w] as number) + 1;
        }
      });
    }
    return Float32Array.from(sums, (s, i) => (counts[i] ? s / (counts[i] as number) : 0));
  }

  /** Keep probabilities per sub-token for each sequence of words' ids, padded into one batch. */
  private async run(sequences: number[][][]): Promise<Float32Array[]> {
    const rows = sequences.map((words) => [...this.prefix, ...words.flat(), ...this.suffix]);
    const width = Math.max(...rows.map((r) => r.length));
    const inputIds = new BigInt64Array(rows.length * width);
    const mask = new BigInt64Array(rows.length * width);
    rows.forEach((row, r) => {
      for (let c = 0; c < row.length; c++) {
        inputIds[r * width + c] = BigInt(row[c] as number);
        mask[r * width + c] = 1n;
      }
    });
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', inputIds, [rows.length, width]),
    };
    if (this.session.inputNames.includes('attention_mask'))
      feeds.attention_mask = new ort.Tensor('int64', mask, [rows.length, width]);
    if (this.session.inputNames.includes('token_type_ids'))
      feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(rows.length * width), [rows.length, width]);
    const output = await this.session.run(feeds);
    const logits = output[this.session.outputNames[0] as string] as ort.Tensor;
    const labels = logits.dims[2] as number;
    const data = logits.data as Float32Array;
    return rows.map((_, r) =>
      Float32Array.from({ length: width }, (_, c) => {
        const at = (r * width + c) * labels;
        let max = Number.NEGATIVE_INFINITY;
        for (let l = 0; l < labels; l++) max = Math.max(max, data[at + l] as number);
        let total = 0;
        for (let l = 0; l < labels; l++) total += Math.exp((data[at + l] as number) - max);
        return Math.exp((data[at + this.files.keepLabel] as number) - max) / total;
      }),
    );
  }
}
