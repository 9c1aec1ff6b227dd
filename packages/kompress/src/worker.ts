// The Kompress inference worker: loads the model once, then scores words for each job.
import { parentPort, workerData } from 'node:worker_threads';
import { readModelDir } from './model-dir.js';
import { Scorer } from './scorer.js';

const port = parentPort;
if (!port) throw new Error('the Kompress worker runs in a worker thread');

try {
  const scorer = await Scorer.load(readModelDir((workerData as { modelDir: string }).modelDir));
  port.on('message', async ({ id, payload }: { id: number; payload: { words: string[] } }) => {
    try {
      const scores = await scorer.score(payload.words);
      port.postMessage({ id, result: scores }, [scores.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ id, error: (error as Error).message });
    }
  });
  port.postMessage({ type: 'ready' });
} catch (error) {
  port.postMessage({ type: 'failed', error: (error as Error).message });
}
