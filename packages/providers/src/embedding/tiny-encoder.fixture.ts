import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRandom } from '@treesynth/core';
import { onnx } from 'onnx-proto';

/**
 * Writes a real, tiny feature-extraction model folder for tests: config.json, tokenizer.json (a
 * word-level tokenizer over `words`) and onnx/model.onnx (an embedding table looked up by Gather,
 * so `last_hidden_state` holds each token's vector). Returns the table so tests can compute the
 * expected mean-pooled sentence vectors by hand.
 */
export function writeTinyEncoder(
  folder: string,
  words: string[],
  dims = 8,
): { vocab: Map<string, number>; table: Float32Array } {
  const tokens = ['[PAD]', '[UNK]', ...words];
  const vocab = new Map(tokens.map((token, index) => [token, index]));
  const random = createRandom('tiny-encoder');
  const table = Float32Array.from({ length: tokens.length * dims }, () => random() * 2 - 1);

  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'treesynth-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-encoder',
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
          dims: [tokens.length, dims],
          rawData: new Uint8Array(table.buffer.slice(0)),
        },
      ],
      input: [
        tensorInfo('input_ids', onnx.TensorProto.DataType.INT64, ['batch', 'sequence']),
        tensorInfo('attention_mask', onnx.TensorProto.DataType.INT64, ['batch', 'sequence']),
      ],
      output: [tensorInfo('last_hidden_state', onnx.TensorProto.DataType.FLOAT, ['batch', 'sequence', dims])],
    },
  });
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  writeFileSync(join(folder, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());
  writeFileSync(
    join(folder, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dims }),
  );
  writeFileSync(
    join(folder, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'PreTrainedTokenizer',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      model_max_length: 512,
    }),
  );
  writeFileSync(
    join(folder, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [
        {
          id: 0,
          content: '[PAD]',
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
          special: true,
        },
        {
          id: 1,
          content: '[UNK]',
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
          special: true,
        },
      ],
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: null,
      model: { type: 'WordLevel', vocab: Object.fromEntries(vocab), unk_token: '[UNK]' },
    }),
  );
  return { vocab, table };
}

function tensorInfo(name: string, elemType: number, shape: (string | number)[]): onnx.IValueInfoProto {
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
