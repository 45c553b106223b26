// The one owner of which transport carries the conversation on this instance: start-up detection, the admin's
// switch (saved, with its resume point, and announced to the cluster), a switch made on another instance, the
// Telegram role gained and lost, a failed start and its recovery. Each change of state is a transition of
// transport-state.ts, applied here one at a time (one queue); the rest of the code only reads `state`.
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Repository } from '../db/repository';
import type { SettingsSignal } from '../db/settings-signal';
import { DomainError } from '../domain-error';
import type { LeaderLease } from '../ports/leader-lease';
import { Serial } from '../serial';
import { backoffMs } from './telegram/bot';
import { RESUME_AFTER_SETTING } from './telegram/outbox';
import type { TelegramTransport } from './telegram/telegram-transport';
import {
  awaitingRecovery,
  bridgeStarted,
  detected,
  recovered,
  remoteSwitchUnconfigured,
  retryFailed,
  roleLost,
  standingBy,
  startFailed,
  switched,
} from './transport-state';
import type { TransportState, TransportType } from './types';

const TRANSPORT_SETTING = 'communication.transport';

export interface TransportSwitchDeps {
  config: Config;
  repo: Repository;
  logger: Logger;
  /** The bridge this owner starts and stops. */
  telegram: TelegramTransport;
  /** Who may run the Telegram bridge; with several instances only the holder of this role does. */
  role?: LeaderLease;
  /** Tells the other instances about a switch, and hears theirs. */
  settings?: SettingsSignal;
  /** Counts the Telegram outbox again (at start-up and after each switch, for the figures). */
  refreshOutbox: () => Promise<unknown>;
}

export class TransportSwitch {
  private current: TransportState = detected({
    env: undefined,
    safeMode: false,
    saved: null,
    telegramConfigured: false,
  });
  /** Switches, role changes and recovery run one at a time, in call order. */
  private readonly serial = new Serial();
  /** The saved choice as this instance last read or wrote it: a re-read that finds it unchanged changes nothing. */
  private lastSaved: string | null = null;
  private unlisten: (() => void) | null = null;
  private recovery: NodeJS.Timeout | null = null;
  private recoveryAttempts = 0;
  private roleStarted = false;
  private stopped = false;

  constructor(private readonly deps: TransportSwitchDeps) {}

  /** This instance's transport state (replaced, never changed in place, by each transition). */
  get state(): Readonly<TransportState> {
    return this.current;
  }

  /** Whether this instance may run the bridge now (alone: always). */
  get holds(): boolean {
    const role = this.deps.role;
    return !role?.shared || role.isLeader;
  }

  /** Start-up: detect the wanted transport, follow the cluster's switches, and run the bridge if it is wanted. */
  async init(): Promise<void> {
    const { config, repo, telegram, settings, logger } = this.deps;
    const saved = await repo.getSetting(TRANSPORT_SETTING);
    this.lastSaved = saved;
    this.current = detected({
      env: config.OPENCODE_TRANSPORT,
      safeMode: Boolean(config.OPENCODE_SAFE_MODE),
      saved,
      telegramConfigured: telegram.configured,
    });
    await this.deps.refreshOutbox();
    // A switch made on another instance of the cluster applies here too.
    this.unlisten =
      settings?.onSettingChanged((key) => {
        if (key !== null && key !== TRANSPORT_SETTING) return;
        this.remoteSwitch(key === null).catch((err) => {
          logger.warn({ err }, 'could not apply the transport switched on another instance');
        });
      }) ?? null;
    if (this.current.wanted === 'telegram') await this.runRole();
  }

  /**
   * Switch requested by an admin: no restart, the choice saved for the next start and announced to the other
   * instances, which apply it too (only the Telegram role holder runs the bridge).
   */
  requestSwitch(transport: TransportType): Promise<void> {
    return this.serial.run(() => this.switchRequested(transport));
  }

  private async switchRequested(transport: TransportType): Promise<void> {
    const { repo, telegram, logger } = this.deps;
    if (transport === 'telegram') {
      if (!telegram.configured)
        throw new DomainError(
          'PRECONDITION_FAILED',
          'cannot switch to telegram: set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID and restart the server',
        );
      // Back on after off: whoever runs the bridge forwards only what is said from now on — also when nobody held
      // the Telegram role while it was off, so nobody forgot the cursor. Saved before the bridge starts here.
      if (this.wasOff(await repo.getSetting(TRANSPORT_SETTING)))
        await repo.setSetting(RESUME_AFTER_SETTING, String(await repo.lastLogId()));
      if (this.holds && !telegram.running) {
        try {
          await telegram.start();
        } catch (error) {
          this.fellBack((error as Error).message);
          throw new DomainError(
            'PRECONDITION_FAILED',
            `cannot switch to telegram: ${(error as Error).message}`,
          );
        }
      }
    } else {
      // Bridge off on purpose: what is said while it is off is not sent to Telegram later.
      await telegram.disable();
    }
    await repo.setSetting(TRANSPORT_SETTING, transport);
    this.lastSaved = transport;
    this.current = switched(this.current, transport, telegram.running, new Date());
    // A standby competes for the role; not awaited, as its start queues behind this switch.
    if (transport === 'telegram' && !this.holds) void this.runRole();
    await this.deps.settings?.announceSetting(TRANSPORT_SETTING).catch((err) => {
      logger.warn({ err }, 'transport switch saved, but the other instances could not be told');
    });
    logger.info({ transport }, 'transport switched');
    await this.deps.refreshOutbox();
  }

  /** Whether the bridge was off on purpose (saved so, or never saved and not wanted here). */
  private wasOff(saved: string | null): boolean {
    return saved === 'websocket' || (saved === null && this.current.wanted === 'websocket');
  }

  /**
   * Remote switch: another instance switched (or, after `resync`, may have). This one comes in line with the saved
   * choice: the holder starts or stops the bridge; a standby competes for the role or stops standing by.
   */
  private remoteSwitch(resync: boolean): Promise<void> {
    return this.serial.run(async () => {
      const { repo, telegram, logger } = this.deps;
      if (this.stopped) return;
      const saved = await repo.getSetting(TRANSPORT_SETTING);
      if (saved !== 'websocket' && saved !== 'telegram') return;
      const changed = saved !== this.lastSaved;
      this.lastSaved = saved;
      const running = telegram.running;
      const inLine =
        saved === this.current.wanted && (saved === 'telegram' ? running || !this.holds : !running);
      if (!changed && (resync || inLine)) return;
      logger.info({ transport: saved }, 'transport switched on another instance');
      if (saved === 'websocket') await telegram.disable();
      if (saved === 'telegram' && !running && !telegram.configured) {
        this.current = remoteSwitchUnconfigured(this.current, new Date());
        return;
      }
      this.current = switched(this.current, saved, running, new Date());
      if (saved === 'websocket' || running) return;
      if (this.holds) await this.startBridge();
      else void this.runRole();
    });
  }

  /**
   * Alone, starts the bridge. In a cluster, competes for the Telegram role (once): the holder runs the bridge
   * while the conversation wants Telegram (poller and outbox from the shared cursor), the others stand by.
   */
  private async runRole(): Promise<void> {
    const { role } = this.deps;
    if (!role?.shared) return this.startBridge();
    if (this.roleStarted) return;
    this.roleStarted = true;
    this.current = standingBy(this.current);
    await role.run(
      () => this.serial.run(() => this.roleGained()),
      () => this.serial.run(() => this.roleLost()),
    );
  }

  /**
   * Role gained. The cluster may have been switched to websocket meanwhile: hold the role idle until switched back,
   * and drop the cursor in case that switch came while nobody held the role (nobody forgot it then).
   */
  private async roleGained(): Promise<void> {
    if (this.current.wanted === 'telegram') await this.startBridge();
    else await this.deps.telegram.forgetCursor();
  }

  private async roleLost(): Promise<void> {
    this.cancelRecovery();
    await this.deps.telegram.stop();
    this.current = roleLost(this.current);
  }

  /** Starts the bridge here; on failure falls back to websocket (with the reason) and keeps retrying. */
  private async startBridge(): Promise<void> {
    try {
      await this.deps.telegram.start();
      this.current = bridgeStarted(this.current);
    } catch (error) {
      this.fellBack((error as Error).message);
      this.scheduleRecovery();
    }
  }

  /** Start failed. */
  private fellBack(why: string): void {
    this.current = startFailed(this.current, why);
    this.deps.logger.warn({ reason: this.current.reason }, 'falling back to websocket');
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
      void this.serial.run(() => this.recover());
    }, delay);
    this.recovery.unref();
  }

  private cancelRecovery(): void {
    if (this.recovery) clearTimeout(this.recovery);
    this.recovery = null;
    this.recoveryAttempts = 0;
  }

  private async recover(): Promise<void> {
    // Only the role holder may run the bridge: a standby that lost the role while retrying stops retrying.
    if (this.stopped || !this.holds || !awaitingRecovery(this.current)) return;
    try {
      await this.deps.telegram.start();
    } catch (error) {
      this.current = retryFailed(this.current, (error as Error).message);
      this.scheduleRecovery();
      return;
    }
    this.current = recovered(this.current, new Date());
    this.recoveryAttempts = 0;
    this.deps.logger.info('telegram reachable again: bridge back on');
  }

  /** No more switches or recovery; resolves once the one in progress has finished (the bridge stays as it is). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    this.cancelRecovery();
    await this.serial.idle();
  }
}
