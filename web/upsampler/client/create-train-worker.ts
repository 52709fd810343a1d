// Where the Learn mode's training workers come from: Vite's inline worker, as
// for the upsampler's own (create-worker.ts), so starting or replacing one
// makes no network request; the core's bytes are the page's one copy.

import TrainWorker from '../worker/train-worker.ts?worker&inline';

export function createTrainWorker(): Worker {
  return new TrainWorker({ name: 'tconv-train' });
}
