// The transport state of this instance (what communication.info reports) and every way it changes, each a pure
// function from one state to the next: the owner (transport-switch.ts) applies them; everyone else only reads.
import type { DetectedBy, TransportState, TransportType } from './types';

export const STANDBY =
  'standby: another instance runs the Telegram bridge; this one takes over if that one stops';

export const NOT_CONFIGURED_HERE =
  'the cluster was switched to telegram, but TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID are not set here';

export interface Detection {
  /** OPENCODE_TRANSPORT. */
  env: TransportType | undefined;
  safeMode: boolean;
  /** The choice an earlier switch saved (any string: a bad value is ignored). */
  saved: string | null;
  telegramConfigured: boolean;
}

/**
 * Start-up: OPENCODE_TRANSPORT, then safe mode (the environment choosing websocket beats a saved switch), then the
 * saved choice, then the Telegram settings, else websocket. Nothing runs yet: `active` is websocket.
 */
export function detected({ env, safeMode, saved, telegramConfigured }: Detection): TransportState {
  const [wanted, detectedBy]: [TransportType, DetectedBy] = env
    ? [env, 'env']
    : safeMode
      ? ['websocket', 'safe-mode']
      : saved === 'websocket' || saved === 'telegram'
        ? [saved, 'saved']
        : telegramConfigured
          ? ['telegram', 'telegram-settings']
          : ['websocket', 'default'];
  return { active: 'websocket', wanted, detectedBy, reason: null, switchedAt: null };
}

/**
 * An admin switched here, or another instance did (remote switch): `bridged` whether this instance runs the bridge
 * now. Wanting Telegram without running it is a standby.
 */
export function switched(
  state: TransportState,
  transport: TransportType,
  bridged: boolean,
  now: Date,
): TransportState {
  const running = transport === 'telegram' && bridged;
  return {
    ...state,
    wanted: transport,
    active: running ? 'telegram' : 'websocket',
    detectedBy: 'switch',
    reason: transport === 'telegram' && !running ? STANDBY : null,
    switchedAt: now.toISOString(),
  };
}

/** Another instance switched the cluster to Telegram, which this one cannot run: it says why. */
export function remoteSwitchUnconfigured(state: TransportState, now: Date): TransportState {
  return { ...switched(state, 'telegram', false, now), reason: NOT_CONFIGURED_HERE };
}

/** In a cluster, this instance competes for the Telegram role: until it holds it, it stands by. */
export function standingBy(state: TransportState): TransportState {
  return { ...state, reason: STANDBY };
}

/** The bridge started here (alone, or on gaining the Telegram role). */
export function bridgeStarted(state: TransportState): TransportState {
  return { ...state, active: 'telegram', reason: null };
}

/** The bridge could not start: websocket carries the conversation, and the reason is shown. */
export function startFailed(state: TransportState, why: string): TransportState {
  return {
    ...state,
    active: 'websocket',
    detectedBy: 'fallback',
    reason: `telegram could not start (${why}); websocket carries the conversation`,
  };
}

/** A recovery attempt after a failed start failed too: still on websocket, retrying. */
export function retryFailed(state: TransportState, why: string): TransportState {
  return {
    ...state,
    reason: `telegram could not start (${why}); websocket carries the conversation, retrying`,
  };
}

/** Telegram answered again after a fallback: the bridge took over by itself. */
export function recovered(state: TransportState, now: Date): TransportState {
  return {
    ...state,
    active: 'telegram',
    detectedBy: 'recovered',
    reason: null,
    switchedAt: now.toISOString(),
  };
}

/** Recovery is still worth trying: the last start failed and no switch or takeover came since. */
export const awaitingRecovery = (state: TransportState): boolean =>
  state.detectedBy === 'fallback' && state.active !== 'telegram';

/** The Telegram role went to another instance (or this one resigned): it stands by while Telegram is wanted. */
export function roleLost(state: TransportState): TransportState {
  return { ...state, active: 'websocket', reason: state.wanted === 'telegram' ? STANDBY : null };
}
