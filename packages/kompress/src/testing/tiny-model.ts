import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Builds tiny Kompress models on disk, for tests and benchmarks: a WordPiece `tokenizer.json`, a `config.json`
 * and a `model.onnx` written by a small protobuf writer. The graph is one Gather: each token id
 * looks up its [drop, keep] logits in a table, so which words stay is decided by the test.
 */

// --- a protobuf writer, just enough for ONNX's ModelProto ---------------------------------------

const varint = (value: number | bigint): number[] => {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
};
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number | bigint) => [...tag(field, 0), ...varint(value)];
const bytes = (field: number, data: Uint8Array | number[]) => [...tag(field, 2), ...varint(data.length), ...data];
const str = (field: number, value: string) => bytes(field, [...new TextEncoder().encode(value)]);
const msg = (field: number, parts: number[]) => bytes(field, parts);

const FLOAT = 1;
const INT64 = 7;

/** ValueInfoProto for a tensor whose dims are symbolic names or sizes. */
const valueInfo = (field: number, name: string, elemType: number, dims: (string | number)[]) =>
  msg(field, [
    ...str(1, name),
    ...msg(2, [
      ...msg(1, [
        ...int(1, elemType),
        ...msg(
          2,
          dims.flatMap((d) => msg(1, typeof d === 'number' ? int(1, d) : str(2, d))),
        ),
      ]),
    ]),
  ]);

/**
 * An ONNX model: output[b, s, :] = table[input_ids[b, s], :], with an attention_mask input it
 * ignores. The output is `logits` (a token classifier) or, for an embedding model,
 * `last_hidden_state`.
 */
export function gatherModel(table: readonly (readonly number[])[], output = 'logits'): Uint8Array {
  const width = table[0]?.length ?? 2;
  const raw = new Float32Array(table.flat());
  const initializer = msg(5, [
    ...int(1, table.length),
    ...int(1, width),
    ...int(2, FLOAT),
    ...str(8, 'table'),
    ...bytes(9, new Uint8Array(raw.buffer)),
  ]);
  const node = msg(1, [
    ...str(1, 'table'),
    ...str(1, 'input_ids'),
    ...str(2, output),
    ...str(3, 'lookup'),
    ...str(4, 'Gather'),
    ...msg(5, [...str(1, 'axis'), ...int(3, 0), ...int(20, 2)]), // AttributeProto: name, i, type=INT
  ]);
  const graph = msg(7, [
    ...node,
    ...str(2, 'tiny-kompress'),
    ...initializer,
    ...valueInfo(11, 'input_ids', INT64, ['batch', 'sequence']),
    ...valueInfo(11, 'attention_mask', INT64, ['batch', 'sequence']),
    ...valueInfo(12, output, FLOAT, ['batch', 'sequence', width]),
  ]);
  return new Uint8Array([
    ...int(1, 7), // ir_version
    ...str(2, 'headroom-tests'),
    ...graph,
    ...msg(8, [...str(1, ''), ...int(2, 13)]), // opset_import: default domain, opset 13
  ]);
}

// --- a WordPiece tokenizer -----------------------------------------------------------------------

export const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/** A BERT-style tokenizer.json over `words` (plus the specials and some punctuation). */
export function wordPieceTokenizer(vocab: readonly string[]): object {
  const ids = Object.fromEntries(vocab.map((w, i) => [w, i]));
  const special = (content: string) => ({
    id: ids[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const marker = (id: string) => ({ id, ids: [ids[id]], tokens: [id] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': marker('[CLS]'), '[SEP]': marker('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}

export interface TinyModel {
  readonly dir: string;
  readonly vocab: readonly string[];
}

/**
 * A model directory whose model keeps the `keep` words (logit +4) and drops every other token
 * (logit −4 for keep). Unknown words map to [UNK], which is dropped.
 */
export function tinyModel(
  keep: readonly string[],
  drop: readonly string[],
  options: { config?: object } = {},
): TinyModel {
  const punctuation = ['.', ',', ':', ';', '!', '?', '(', ')', '"', "'", '-'];
  const vocab = [...SPECIAL, ...new Set([...keep, ...drop, ...punctuation])];
  const kept = new Set(keep);
  const table = vocab.map((token): [number, number] => (kept.has(token) ? [-4, 4] : [4, -4]));
  const dir = mkdtempSync(join(tmpdir(), 'headroom-kompress-model-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), gatherModel(table));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordPieceTokenizer(vocab)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true, model_max_length: 512 }));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(options.config ?? { id2label: { 0: 'drop', 1: 'keep' }, max_position_embeddings: 512 }),
  );
  return { dir, vocab };
}

/**
 * An embedding model directory: each vocabulary word's vector is one-hot on its `concept`
 * (words of one concept are synonyms), so similarity is decided by the test.
 */
export function tinyEmbeddingModel(concepts: Readonly<Record<string, number>>, dimensions = 8): TinyModel {
  const vocab = [...SPECIAL, ...Object.keys(concepts)];
  const table = vocab.map((token) => {
    const row = new Array<number>(dimensions).fill(0);
    const concept = concepts[token];
    if (concept !== undefined) row[concept % dimensions] = 1;
    return row;
  });
  const dir = mkdtempSync(join(tmpdir(), 'headroom-embedding-model-'));
  writeFileSync(join(dir, 'model.onnx'), gatherModel(table, 'last_hidden_state'));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordPieceTokenizer(vocab)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true, model_max_length: 512 }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ hidden_size: dimensions }));
  return { dir, vocab };
}
