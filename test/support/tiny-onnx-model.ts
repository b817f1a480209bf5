import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds a tiny but real transformers.js model folder: a BERT-style WordPiece tokenizer and an ONNX graph
 * (Gather from a token-embedding table, then Tanh) that outputs `last_hidden_state`. The ONNX protobuf is
 * written by hand (only the fields used). Words listed in the same `topics` group get embeddings pointing
 * the same way, so sentence similarity is predictable: the test can tell real pooling from noise.
 */
type Field = { n: number; wire: 0 | 2 | 5; value: number | bigint | Buffer };

function varint(v: number | bigint): Buffer {
  let x = BigInt(v);
  if (x < 0n) x += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return Buffer.from(out);
}

function msg(fields: Field[]): Buffer {
  return Buffer.concat(
    fields.map((f) => {
      const key = varint((f.n << 3) | f.wire);
      if (f.wire === 0) return Buffer.concat([key, varint(f.value as number)]);
      const body = Buffer.isBuffer(f.value) ? f.value : Buffer.alloc(0);
      return Buffer.concat([key, varint(body.length), body]);
    }),
  );
}

const str = (n: number, s: string): Field => ({ n, wire: 2, value: Buffer.from(s, 'utf8') });
const sub = (n: number, fields: Field[]): Field => ({ n, wire: 2, value: msg(fields) });
const int = (n: number, v: number): Field => ({ n, wire: 0, value: v });

const INT64 = 7;
const FLOAT = 1;

function valueInfo(name: string, elemType: number, dims: Array<string | number>): Field[] {
  const shape = dims.map((d) => sub(1, [typeof d === 'number' ? int(1, d) : str(2, d)]));
  return [str(1, name), sub(2, [sub(1, [int(1, elemType), sub(2, shape)])])];
}

export function onnxModel(vocabSize: number, hidden: number, table: Float32Array): Buffer {
  const raw = Buffer.from(table.buffer, table.byteOffset, table.byteLength);
  const graph: Field[] = [
    sub(1, [
      str(1, 'embeddings.weight'),
      str(1, 'input_ids'),
      str(2, 'gathered'),
      str(3, 'gather'),
      str(4, 'Gather'),
    ]),
    sub(1, [str(1, 'gathered'), str(2, 'last_hidden_state'), str(3, 'tanh'), str(4, 'Tanh')]),
    str(2, 'tiny-bert'),
    sub(5, [
      int(1, vocabSize),
      int(1, hidden),
      int(2, FLOAT),
      str(8, 'embeddings.weight'),
      { n: 9, wire: 2, value: raw },
    ]),
    sub(11, valueInfo('input_ids', INT64, ['batch_size', 'sequence_length'])),
    sub(11, valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length'])),
    sub(12, valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', hidden])),
  ];
  return msg([int(1, 8), str(2, 'sophia-tests'), sub(7, graph), sub(8, [str(1, ''), int(2, 13)])]);
}

export interface TinyModelOptions {
  hidden?: number;
  /** Groups of words that should embed close together. */
  topics: string[][];
}

/** Writes the model folder under `dir` and returns its path. */
export function writeTinyModel(dir: string, options: TinyModelOptions): string {
  const hidden = options.hidden ?? 16;
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const words = [...new Set(options.topics.flat())];
  const vocab = [...special, ...words];
  const table = new Float32Array(vocab.length * hidden);
  // Deterministic pseudo-random base vectors plus a strong shared direction per topic.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  vocab.forEach((w, i) => {
    const topic = options.topics.findIndex((t) => t.includes(w));
    for (let j = 0; j < hidden; j++) {
      const base = 0.15 * rnd();
      table[i * hidden + j] = base + (topic >= 0 && j % options.topics.length === topic ? 1.2 : 0);
    }
  });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), onnxModel(vocab.length, hidden, table));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: hidden,
      vocab_size: vocab.length,
    }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 128,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    }),
  );
  const vocabMap = Object.fromEntries(vocab.map((w, i) => [w, i]));
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: special.map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
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
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
        },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: vocabMap,
      },
    }),
  );
  return dir;
}
