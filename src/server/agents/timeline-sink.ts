// Where a task's timeline entries go: stored, then published to `tasks.onUpdate` (the runner and drivers write here).
import type { TaskEvent, TaskUpdate } from '../../shared/task-timeline';

export interface TimelineSink {
  /** Stores the entry (one row), then publishes it; resolves with the stored update (its id is the resume point). */
  append(task: { id: number; employee: string }, event: TaskEvent): Promise<TaskUpdate>;
}
