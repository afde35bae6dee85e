import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Write a feature-extraction model folder that transformers.js loads like any hub model:
 * config.json, a word-level tokenizer.json (lower-casing, whitespace and punctuation split; the first
 * two tokens are [PAD] and [UNK]) and onnx/model.onnx, an embedding table looked up by Gather so that
 * `last_hidden_state` holds each token's row; the pipeline's masked mean pooling then averages them.
 * Used to serve static word vectors (GloVe-SIF) on the transformers.js path, and by tests.
 */
export function writeEmbeddingTableModel(
  folder: string,
  model: { tokens: readonly string[]; table: Float32Array; dimensions: number },
): void {
  const { tokens, table, dimensions } = model;
  if (tokens[0] !== '[PAD]' || tokens[1] !== '[UNK]')
    throw new Error('the first two tokens must be [PAD] and [UNK]');
  if (table.length !== tokens.length * dimensions) throw new Error('the table must hold one row per token');
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'treesynth',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'embedding-table',
      node: [
        {
          opType: 'Gather',
          input: ['embeddings', 'input_ids'],
          output: ['last_hidden_state'],
          name: 'lookup',
          attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
      ],
      initializer: [
        {
          name: 'embeddings',
          dataType: onnx.TensorProto.DataType.FLOAT,
          dims: [tokens.length, dimensions],
          rawData: new Uint8Array(table.buffer, table.byteOffset, table.byteLength),
        },
      ],
      input: [
        tensorInfo('input_ids', onnx.TensorProto.DataType.INT64, ['batch', 'sequence']),
        tensorInfo('attention_mask', onnx.TensorProto.DataType.INT64, ['batch', 'sequence']),
      ],
      output: [
        tensorInfo('last_hidden_state', onnx.TensorProto.DataType.FLOAT, ['batch', 'sequence', dimensions]),
      ],
    },
  });
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  writeFileSync(join(folder, 'onnx', 'model.onnx'), onnx.ModelProto.encode(proto).finish());
  writeFileSync(
    join(folder, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dimensions }),
  );
  writeFileSync(
    join(folder, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'PreTrainedTokenizer',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      model_max_length: 4096,
    }),
  );
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  writeFileSync(
    join(folder, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special(0, '[PAD]'), special(1, '[UNK]')],
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: null,
      model: {
        type: 'WordLevel',
        vocab: Object.fromEntries(tokens.map((token, index) => [token, index])),
        unk_token: '[UNK]',
      },
    }),
  );
}

function tensorInfo(name: string, elemType: number, shape: (string | number)[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}
