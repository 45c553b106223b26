// Worker threads do not inherit the tsx loader of the bench: register it here, then run the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./client-thread.ts');
