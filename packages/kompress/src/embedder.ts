import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { readModelDir } from './model-dir.js';

/** An embedding model: the shape `@headroom/memory` takes for semantic search. */
export interface OnnxEmbedder {
  readonly dimensions: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/**
 * A sentence embedder from a local model directory, through the same loading path as Kompress
 * (`model.onnx`, `tokenizer.json`, `config.json`; `HEADROOM_EMBEDDING_MODEL` by default): token
 * vectors mean-pooled over the attention mask and normalised to unit length. Texts longer than
 * the model's window are cut to it. Never downloads anything.
 *
 * @example
 * const memory = openMemory({ embedder: await createEmbedder({ modelDir: '/models/minilm' }) })
 */
export async function createEmbedder(options: { readonly modelDir?: string } = {}): Promise<OnnxEmbedder> {
  const files = readModelDir(options.modelDir ?? process.env.HEADROOM_EMBEDDING_MODEL, {
    name: 'embedding model',
    variable: 'HEADROOM_EMBEDDING_MODEL',
    meanwhile: 'memory search is full-text only meanwhile',
  });
  const tokenizer = new Tokenizer(files.tokenizer, files.tokenizerConfig);
  const session = await ort.InferenceSession.create(files.onnx, { intraOpNumThreads: 1 });
  const output = session.outputNames.includes('last_hidden_state')
    ? 'last_hidden_state'
    : (session.outputNames[0] as string);
  const run = async (texts: readonly string[]) => {
    const rows = texts.map((t) => tokenizer.encode(t).ids.slice(0, files.maxTokens));
    const width = Math.max(1, ...rows.map((r) => r.length));
    const ids = new BigInt64Array(rows.length * width);
    const mask = new BigInt64Array(rows.length * width);
    rows.forEach((row, r) => {
      for (let c = 0; c < row.length; c++) {
        ids[r * width + c] = BigInt(row[c] as number);
        mask[r * width + c] = 1n;
      }
    });
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, [rows.length, width]) };
    if (session.inputNames.includes('attention_mask'))
      feeds.attention_mask = new ort.Tensor('int64', mask, [rows.length, width]);
    if (session.inputNames.includes('token_type_ids'))
      feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(rows.length * width), [rows.length, width]);
    const result = (await session.run(feeds))[output] as ort.Tensor;
    const dims = result.dims[2] as number;
    const data = result.data as Float32Array;
    return rows.map((row, r) => {
      const vector = new Float32Array(dims);
      for (let c = 0; c < row.length; c++)
        for (let d = 0; d < dims; d++) vector[d] = (vector[d] as number) + (data[(r * width + c) * dims + d] as number);
      const norm = Math.hypot(...vector) || 1;
      return vector.map((v) => v / norm);
    });
  };
  const [probe] = await run(['dimensions']);
  return { dimensions: probe?.length ?? 0, embed: (texts) => run(texts) };
}
