// Child process for the SIGKILL test: prepares and commits task workspaces one after another until it is killed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkspaces } from '../../../../src/server/agents/workspace/workspaces';
import { logger, task } from './repo';

const [projectRoot, dataDir] = process.argv.slice(2) as [string, string];
const ws = await openWorkspaces({ projectRoot, dataDir, logger });
for (let id = 1; ; id++) {
  const t = task({ id, description: `Crash test ${id}` });
  const w = await ws.prepare(t);
  writeFileSync(join(w.dir, `work-${id}.txt`), `work of task ${id}\n`);
  if (id % 2 === 0) await ws.commit({ ...t, branch: w.branch, baseBranch: w.base });
  process.stdout.write(`prepared ${id}\n`);
}
