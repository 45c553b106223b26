// Which task a chat message belongs to (its mention, result, interruption or a branch report): replying to one of
// those continues that task. Remembered for the last 2000 such messages, else found among the recent tasks.
import type { AgentsRepository, Task } from '../db/agents-repository';

const REMEMBERED = 2000;

export class TaskThreads {
  private readonly byMessage = new Map<number, number>();

  constructor(private readonly repo: AgentsRepository) {}

  remember(messageId: number | null, taskId: number): void {
    if (messageId === null) return;
    this.byMessage.set(messageId, taskId);
    if (this.byMessage.size > REMEMBERED) this.byMessage.delete(this.byMessage.keys().next().value as number);
  }

  async task(messageId: number | null): Promise<Task | null> {
    if (messageId === null) return null;
    const id = this.byMessage.get(messageId);
    if (id !== undefined) return this.repo.getTask(id);
    const recent = await this.repo.listTasks({ order: 'desc', limit: 500 });
    return recent.find((t) => t.messageId === messageId) ?? null;
  }
}
