// Worker threads do not inherit tsx's loader (under tsx or vitest alike): register it here, then run the
// TypeScript module that workerData names.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
