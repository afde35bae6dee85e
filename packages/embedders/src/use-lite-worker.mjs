// Worker for the use-lite embedder: loads the Universal Sentence Encoder Lite once, then embeds
// the batches it is sent. Plain JavaScript so it runs the same from source and from dist.
import { parentPort, workerData } from 'node:worker_threads';

const { initModel } = await import(workerData.embeddingsUrl);
const { modelSource } = await import(workerData.modelUrl);
const model = await initModel(modelSource);
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', async (message) => {
  try {
    const vectors = await model.embed(message.values);
    const flat = new Float32Array(vectors.length * 512);
    vectors.forEach((vector, row) => {
      flat.set(vector, row * 512);
    });
    parentPort.postMessage({ type: 'result', id: message.id, flat }, [flat.buffer]);
  } catch (error) {
    parentPort.postMessage({ type: 'error', id: message.id, message: String(error?.message ?? error) });
  }
});
