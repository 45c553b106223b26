// Who runs the Telegram bridge on this instance, and keeping it up: alone, this instance; in a cluster, the holder
// of the Telegram role (the others stand by and take over when it goes). A failed start falls back to websocket
// and retries with backoff while this instance may run the bridge.
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Singleton } from '../db/singleton';
import type { Serial } from '../serial';
import type { TransportState } from './communication-types';
import { backoffMs } from './telegram/bot';
import type { TelegramTransport } from './telegram/telegram-transport';

export const STANDBY =
  'standby: another instance runs the Telegram bridge; this one takes over if that one stops';

export interface SupervisorDeps {
  config: Config;
  logger: Logger;
  telegram: TelegramTransport;
  /** What communication.info reports; shared with the manager. */
  state: TransportState;
  /** The manager's queue: role changes and recovery run between switches, never during one. */
  serial: Serial;
  role?: Singleton;
}

export class TelegramSupervisor {
  private recovery: NodeJS.Timeout | null = null;
  private recoveryAttempts = 0;
  private roleStarted = false;
  private stopped = false;

  constructor(private readonly deps: SupervisorDeps) {}

  /** Other instances compete for the bridge: only the role holder may run it. */
  get shared(): boolean {
    return this.deps.role?.shared ?? false;
  }

  /** Whether this instance may run the bridge now (alone: always). */
  get holds(): boolean {
    const role = this.deps.role;
    return !role?.shared || role.isLeader;
  }

  /**
   * Alone, starts the bridge. In a cluster, competes for the Telegram role (once): the holder runs the bridge
   * while the conversation wants Telegram (poller and outbox from the shared cursor), the others stand by.
   */
  async runRole(): Promise<void> {
    const { role, state, serial } = this.deps;
    if (!role?.shared) return this.start();
    if (this.roleStarted) return;
    this.roleStarted = true;
    state.reason = STANDBY;
    await role.run(
      () =>
        serial.run(async () => {
          // The cluster may have been switched to websocket meanwhile: hold the role idle until switched back, and
          // drop the cursor in case that switch came while nobody held the role (nobody forgot it then).
          if (state.wanted === 'telegram') await this.start();
          else await this.deps.telegram.forgetCursor();
        }),
      () =>
        serial.run(async () => {
          this.cancelRecovery();
          await this.deps.telegram.stop();
          state.active = 'websocket';
          state.reason = state.wanted === 'telegram' ? STANDBY : null;
        }),
    );
  }

  /** Starts the bridge here; on failure falls back to websocket (with the reason) and keeps retrying. */
  async start(): Promise<void> {
    try {
      await this.deps.telegram.start();
      this.deps.state.active = 'telegram';
      this.deps.state.reason = null;
    } catch (error) {
      this.fallBack((error as Error).message);
      this.scheduleRecovery();
    }
  }

  fallBack(why: string): void {
    const { state, logger } = this.deps;
    state.active = 'websocket';
    state.detectedBy = 'fallback';
    state.reason = `telegram could not start (${why}); websocket carries the conversation`;
    logger.warn({ reason: state.reason }, 'falling back to websocket');
  }

  /**
   * Telegram was wanted but unreachable (an outage, a restart during one): keep trying with backoff and take over
   * again when it answers, so the outbox sends the backlog from its saved cursor. A switch ends the attempts.
   */
  private scheduleRecovery(): void {
    if (this.recovery || this.stopped) return;
    this.recoveryAttempts += 1;
    const { TELEGRAM_RETRY_BASE_MS, TELEGRAM_RETRY_MAX_MS } = this.deps.config;
    const delay = backoffMs(this.recoveryAttempts, TELEGRAM_RETRY_BASE_MS, TELEGRAM_RETRY_MAX_MS);
    this.recovery = setTimeout(() => {
      this.recovery = null;
      void this.deps.serial.run(() => this.recover());
    }, delay);
    this.recovery.unref();
  }

  private cancelRecovery(): void {
    if (this.recovery) clearTimeout(this.recovery);
    this.recovery = null;
    this.recoveryAttempts = 0;
  }

  private async recover(): Promise<void> {
    const { state, telegram, logger } = this.deps;
    // Only the role holder may run the bridge: a standby that lost the role while retrying stops retrying.
    if (this.stopped || !this.holds || state.detectedBy !== 'fallback' || state.active === 'telegram') return;
    try {
      await telegram.start();
    } catch (error) {
      state.reason = `telegram could not start (${(error as Error).message}); websocket carries the conversation, retrying`;
      this.scheduleRecovery();
      return;
    }
    state.active = 'telegram';
    state.detectedBy = 'recovered';
    state.reason = null;
    state.switchedAt = new Date().toISOString();
    this.recoveryAttempts = 0;
    logger.info('telegram reachable again: bridge back on');
  }

  /** No more recovery attempts; the manager stops the bridge itself. */
  stop(): void {
    this.stopped = true;
    this.cancelRecovery();
  }
}
