// Worker for the use-lite embedder: loads the Universal Sentence Encoder Lite once, then embeds the
// texts it is sent, `batchSize` at a time, into one flat Float32Array. Plain JavaScript so it runs
// the same from source and from dist.
import { parentPort, workerData } from 'node:worker_threads';

const { initModel } = await import(workerData.embeddingsUrl);
const { modelSource } = await import(workerData.modelUrl);
const model = await initModel(modelSource);
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', async (message) => {
  try {
    const { values, batchSize } = message;
    const flat = new Float32Array(values.length * 512);
    for (let start = 0; start < values.length; start += batchSize) {
      const vectors = await model.embed(values.slice(start, start + batchSize));
      vectors.forEach((vector, row) => {
        flat.set(vector, (start + row) * 512);
      });
    }
    parentPort.postMessage({ type: 'result', id: message.id, flat }, [flat.buffer]);
  } catch (error) {
    parentPort.postMessage({ type: 'error', id: message.id, message: String(error?.message ?? error) });
  }
});
