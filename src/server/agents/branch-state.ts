// Keeps the task rows of one git branch in step: a branch is shared by its task and the continuations of it
// ("@alice change …", "@alice resolve"), and whichever of them is asked about shows where the branch stands now.
import type { BranchEvent } from '../../shared/task-branch';
import type { AgentsRepository, Task } from '../db/agents-repository';

/** Records `event` on `task` and on the other tasks of its branch that still hold it open; returns `task` updated. */
export async function recordBranchState(
  repo: AgentsRepository,
  task: Task,
  event: BranchEvent,
): Promise<Task> {
  const updated = await repo.updateTask(task.id, {
    branch: event.branch,
    baseBranch: event.base,
    branchState: event.state,
    commitSha: event.commit ?? task.commitSha,
  });
  for (const other of await tasksOfBranch(repo, task))
    if (other.id !== task.id && (other.branchState === 'open' || other.branchState === 'conflict'))
      await repo.updateTask(other.id, { branchState: event.state });
  return updated;
}

/** Every task (newest first) of `task`'s agent on `task`'s branch. */
export async function tasksOfBranch(repo: AgentsRepository, task: Task): Promise<Task[]> {
  if (!task.branch) return [task];
  const tasks = await repo.listTasks({ agent: task.employee, order: 'desc', limit: 500 });
  return tasks.filter((t) => t.branch === task.branch);
}
