// Questions and permission requests from working agents: posted in the thread of the task's message, answered by
// replying to that post (any transport), by a reply in the thread while it is the only one open there, or by
// tasks.answer; the first valid answer wins, and after AGENT_ASK_TIMEOUT_MS nobody's answer rejects it with
// "nobody answered".
import type { Logger } from 'pino';
import type { TaskEvent } from '../../../shared/task-timeline';
import type { User } from '../../auth';
import type { Task } from '../../db/agents-repository';
import { DomainError } from '../../domain-error';
import { clip, type Voice } from '../voice';
import type { OpencodeServer } from './opencode-server';

export type AskKind = 'question' | 'permission';

export interface PendingAsk {
  askId: string;
  kind: AskKind;
  sessionID: string;
  task: Task;
  text: string;
  options: string[];
  questions: number;
  messageId: number | null;
  /** The thread the ask was posted in (its task's), null when it went to the main conversation. */
  threadRoot: number | null;
  settled: boolean;
  answeredBy: string | null;
  answer: string | null;
  timer: NodeJS.Timeout | null;
}

export interface AskDeskDeps {
  server: OpencodeServer;
  voice: Voice;
  logger: Logger;
  timeoutMs: number;
  note: (task: Task, event: TaskEvent) => void;
}

const KEEP = 500;

export class AskDesk {
  private readonly asks = new Map<string, PendingAsk>();
  private readonly byPost = new Map<number, string>();

  constructor(private readonly d: AskDeskDeps) {}

  /** The ask a chat message replies to (answered ones too, so late answerers hear who answered). */
  byMessage(messageId: number | null): PendingAsk | undefined {
    const askId = messageId === null ? undefined : this.byPost.get(messageId);
    return askId ? this.asks.get(askId) : undefined;
  }

  /** The open asks posted in the thread of `root`, oldest first (a reply there answers the only one). */
  openInThread(root: number | undefined): PendingAsk[] {
    if (root === undefined) return [];
    return [...this.asks.values()].filter((ask) => !ask.settled && ask.threadRoot === root);
  }

  get(askId: string): PendingAsk | undefined {
    return this.asks.get(askId);
  }

  /** Whether the session waits for a person (its model deadline is paused meanwhile). */
  waiting(sessionID: string): boolean {
    for (const ask of this.asks.values()) if (ask.sessionID === sessionID && !ask.settled) return true;
    return false;
  }

  // biome-ignore lint/suspicious/noExplicitAny: the event's properties as opencode sends them
  async open(task: Task, kind: AskKind, request: Record<string, any>): Promise<PendingAsk> {
    const who = `@${task.assignedBy} or an admin`;
    const about = `"${clip(task.description, 80)}" (task #${task.id})`;
    let text: string;
    let options: string[] = [];
    let body: string;
    if (kind === 'permission') {
      const patterns = (request.patterns as string[] | undefined)?.join(', ') ?? '';
      text = `${request.permission}${patterns ? `: ${clip(patterns, 300)}` : ''}`;
      body = `🔐 For ${about} I need permission to run ${text}. Reply with allow, always, or deny <reason> — ${who} may answer.`;
    } else {
      const questions = (request.questions ?? []) as {
        question: string;
        options?: { label: string; description?: string }[];
      }[];
      const first = questions[0];
      text = questions.map((q) => q.question).join(' / ');
      options = (first?.options ?? []).map((o) => o.label);
      const listed = (first?.options ?? []).map(
        (o, i) => `${i + 1}. ${o.label}${o.description ? ` — ${o.description}` : ''}`,
      );
      body = [
        `❓ Question about ${about}: ${clip(text, 500)}`,
        ...listed,
        `Reply with your answer${options.length ? " or an option's number" : ''} — ${who} may answer.`,
      ].join('\n');
    }
    const ask: PendingAsk = {
      askId: String(request.id),
      kind,
      sessionID: String(request.sessionID),
      task,
      text,
      options,
      questions: Math.max(1, (request.questions as unknown[] | undefined)?.length ?? 1),
      messageId: null,
      threadRoot: null,
      settled: false,
      answeredBy: null,
      answer: null,
      timer: null,
    };
    this.asks.set(ask.askId, ask);
    if (this.asks.size > KEEP) this.asks.delete(this.asks.keys().next().value as string);
    ask.timer = setTimeout(() => void this.expire(ask), this.d.timeoutMs);
    ask.timer.unref();
    const posted = await this.d.voice.sayAbout(task, body);
    ask.messageId = posted?.id ?? null;
    ask.threadRoot = posted?.threadRoot ?? null;
    if (posted) this.byPost.set(posted.id, ask.askId);
    if (this.byPost.size > KEEP) this.byPost.delete(this.byPost.keys().next().value as number);
    this.d.note(task, { kind: 'ask', askId: ask.askId, ask: kind, text, options, messageId: ask.messageId });
    return ask;
  }

  /** Whether `by` may answer the ask: whoever assigned its task, or an admin. */
  mayAnswer(ask: PendingAsk, by: User): boolean {
    return by.role === 'admin' || by.id === ask.task.assignedBy;
  }

  /**
   * Answers an ask as `by`. Throws DomainError: NOT_FOUND (no such ask), FORBIDDEN (not the assigner or an admin),
   * PRECONDITION_FAILED (already answered, naming by whom), BAD_REQUEST (not an answer it understands).
   */
  async answer(askId: string, answer: string, by: User): Promise<PendingAsk> {
    const ask = this.asks.get(askId);
    if (!ask) throw new DomainError('NOT_FOUND', `there is no open question or permission request ${askId}`);
    if (ask.settled)
      throw new DomainError(
        'PRECONDITION_FAILED',
        ask.answeredBy
          ? `@${ask.answeredBy} already answered this (${ask.answer})`
          : `this was already closed: ${ask.answer}`,
      );
    if (!this.mayAnswer(ask, by))
      throw new DomainError(
        'FORBIDDEN',
        `only @${ask.task.assignedBy} (who assigned the task) or an admin may answer this`,
      );
    const client = await this.d.server.ready();
    const trimmed = answer.trim();
    if (ask.kind === 'permission') {
      const match = /^(allow|yes|ok|once|always|deny|no|reject)\b[\s:,—-]*([\s\S]*)$/i.exec(trimmed);
      if (!match)
        throw new DomainError(
          'BAD_REQUEST',
          'answer allow, always, or deny followed by the reason (e.g. "deny use npm")',
        );
      const word = (match[1] as string).toLowerCase();
      const reply =
        word === 'always' ? 'always' : ['deny', 'no', 'reject'].includes(word) ? 'reject' : 'once';
      const reason = (match[2] ?? '').trim();
      this.settle(
        ask,
        by.id,
        reply === 'reject' ? `deny${reason ? ` ${reason}` : ''}` : reply === 'once' ? 'allow' : 'always',
      );
      await client.permission.reply({
        requestID: ask.askId,
        directory: this.d.server.directoryOf(ask.sessionID),
        reply,
        ...(reply === 'reject' && reason ? { message: reason } : {}),
      });
    } else {
      if (!trimmed)
        throw new DomainError('BAD_REQUEST', 'the answer is empty: reply with text or an option number');
      const number = /^\d+$/.test(trimmed) ? Number(trimmed) : null;
      const chosen = number !== null && number >= 1 ? ask.options[number - 1] : undefined;
      const value = chosen ?? trimmed;
      this.settle(ask, by.id, value);
      await client.question.reply({
        requestID: ask.askId,
        directory: this.d.server.directoryOf(ask.sessionID),
        answers: Array.from({ length: ask.questions }, () => [value]),
      });
    }
    this.d.logger.info({ task: ask.task.id, ask: ask.askId, by: by.id }, 'ask answered');
    return ask;
  }

  /** The session ended (done, stopped, failed): its open asks are void (opencode rejected them). */
  closeSession(sessionID: string): void {
    for (const ask of this.asks.values())
      if (ask.sessionID === sessionID && !ask.settled) {
        ask.settled = true;
        ask.answer = 'the task ended first';
        if (ask.timer) clearTimeout(ask.timer);
      }
  }

  private settle(ask: PendingAsk, by: string | null, answer: string): void {
    ask.settled = true;
    ask.answeredBy = by;
    ask.answer = answer;
    if (ask.timer) clearTimeout(ask.timer);
    this.d.note(ask.task, { kind: 'answered', askId: ask.askId, by, answer });
  }

  private async expire(ask: PendingAsk): Promise<void> {
    if (ask.settled) return;
    const minutes = Math.max(1, Math.round(this.d.timeoutMs / 60_000));
    const reason = `nobody answered within ${minutes} min`;
    this.settle(ask, null, reason);
    try {
      const client = await this.d.server.ready();
      const directory = this.d.server.directoryOf(ask.sessionID);
      if (ask.kind === 'permission')
        await client.permission.reply({ requestID: ask.askId, directory, reply: 'reject', message: reason });
      else await client.question.reject({ requestID: ask.askId, directory });
    } catch (error) {
      this.d.logger.warn({ err: error, ask: ask.askId }, 'rejecting an unanswered ask failed');
    }
    await this.d.voice.sayAbout(
      ask.task,
      `⌛ Nobody answered within ${minutes} min, so I go on without it: ${clip(ask.text, 200)}`,
      { replyTo: ask.messageId },
    );
  }
}
