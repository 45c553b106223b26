// The task timeline: entries from the runner and drivers are stored, then published in id order to the live
// subscribers of tasks.onUpdate (and the Telegram task message). With several instances each one tails the table
// after a doorbell, the way the cluster bus tails messages, so every instance's subscribers see every entry.
import type { Logger } from 'pino';
import type { TaskEvent, TaskUpdate } from '../../shared/task-timeline';
import type { AgentsRepository } from '../db/agents-repository';
import { SOLE_TIMELINE_SIGNAL, type TimelineSignal } from '../db/timeline-signal';
import { Fanout } from '../hub/fanout';
import { KeyedLock } from '../serial';
import type { TimelineSink } from './timeline-sink';

const TAIL_PAGE = 500;

export interface TaskTimelineDeps {
  repo: AgentsRepository;
  logger: Logger;
  signal?: TimelineSignal;
  /** Updates a live subscriber may fall behind by before it is cut off (it resumes by lastEventId). */
  maxSubscriberQueue?: number;
}

export class TaskTimeline implements TimelineSink {
  /** Live updates in id order, for tasks.onUpdate subscriptions and the Telegram task messages. */
  readonly updates: Fanout<TaskUpdate>;
  private readonly signal: TimelineSignal;
  private lastSeen = 0;
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private unring: (() => void) | null = null;
  /** One task's entries are stored one after another, so its timeline keeps the order they were written in. */
  private readonly perTask = new KeyedLock();

  constructor(private readonly d: TaskTimelineDeps) {
    this.signal = d.signal ?? SOLE_TIMELINE_SIGNAL;
    this.updates = new Fanout(d.maxSubscriberQueue ?? 10_000);
  }

  /** Shared tables: start tailing after the newest committed entry (subscribers replay older ones themselves). */
  async start(): Promise<void> {
    if (!this.signal.shared || this.unring) return;
    this.closed = false;
    this.lastSeen = Math.max(this.lastSeen, await this.d.repo.lastTaskEventId());
    this.unring = this.signal.onRing(() => this.poke());
  }

  /** Stops tailing and waits for a read in flight, so nothing reads after the database closes. */
  async stop(): Promise<void> {
    this.closed = true;
    this.unring?.();
    this.unring = null;
    await this.reading;
  }

  async append(task: { id: number; employee: string }, event: TaskEvent): Promise<TaskUpdate> {
    const update = await this.perTask.run(String(task.id), () =>
      this.d.repo.appendTaskEvent(task, event, new Date().toISOString()),
    );
    if (this.signal.shared) {
      // The tailer publishes it, in id order with what other instances committed.
      this.poke();
      this.signal.ring().catch((err) => this.d.logger.warn({ err }, 'task timeline: could not ring'));
    } else {
      // One process, one writer connection: stored in id order, published as stored.
      this.lastSeen = Math.max(this.lastSeen, update.id);
      this.updates.publish(update);
    }
    return update;
  }

  /** The newest stored entry's id (0 when there is none): where a live-only subscriber starts. */
  lastId(): Promise<number> {
    return this.d.repo.lastTaskEventId();
  }

  /** Stored entries after `after` in id order, of one task or (no taskId) of all. */
  list(taskId?: number, after = 0, limit = 500): Promise<TaskUpdate[]> {
    return this.d.repo.taskEventsAfter(after, limit, taskId);
  }

  /** What the tailer read: never an entry it already published. */
  private publish(update: TaskUpdate): void {
    if (update.id <= this.lastSeen) return;
    this.lastSeen = update.id;
    this.updates.publish(update);
  }

  /** Reads whatever committed since the last read; concurrent pokes coalesce into one more read. */
  private poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          while (!this.closed) {
            const page = await this.d.repo.taskEventsAfter(this.lastSeen, TAIL_PAGE);
            for (const update of page) this.publish(update);
            if (page.length < TAIL_PAGE) break;
          }
        } catch (err) {
          // The next ring (or the safety net) reads again from the same point: nothing is skipped.
          this.d.logger.warn({ err }, 'task timeline: could not read new entries');
        }
      } while (this.again && !this.closed);
      this.reading = null;
    })();
  }
}
