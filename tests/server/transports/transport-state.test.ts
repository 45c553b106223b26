// Every change of this instance's transport state, one pure transition at a time: start-up detection, a switch
// (asked here or made on another instance), the Telegram role gained and lost, a failed start, its recovery.
import { describe, expect, it } from 'vitest';
import {
  awaitingRecovery,
  bridgeStarted,
  detected,
  NOT_CONFIGURED_HERE,
  recovered,
  remoteSwitchUnconfigured,
  retryFailed,
  roleLost,
  STANDBY,
  standingBy,
  startFailed,
  switched,
} from '../../../src/server/transports/transport-state';
import type { TransportState } from '../../../src/server/transports/types';

const nothing = { env: undefined, safeMode: false, saved: null, telegramConfigured: false };
const now = new Date('2026-12-02T06:00:00.000Z');
const onWebsocket: TransportState = {
  active: 'websocket',
  wanted: 'websocket',
  detectedBy: 'default',
  reason: null,
  switchedAt: null,
};
const onTelegram: TransportState = {
  ...onWebsocket,
  active: 'telegram',
  wanted: 'telegram',
  detectedBy: 'saved',
};

describe('transport state: start-up detection', () => {
  it('wants websocket when nothing says otherwise, and runs nothing yet', () => {
    expect(detected(nothing)).toEqual(onWebsocket);
  });

  it('takes OPENCODE_TRANSPORT over safe mode, the saved choice and the Telegram settings', () => {
    const all = { env: 'telegram' as const, safeMode: true, saved: 'websocket', telegramConfigured: false };
    expect(detected(all)).toMatchObject({ active: 'websocket', wanted: 'telegram', detectedBy: 'env' });
  });

  it('lets safe mode beat a saved switch to telegram', () => {
    const state = detected({ ...nothing, safeMode: true, saved: 'telegram', telegramConfigured: true });
    expect(state).toMatchObject({ wanted: 'websocket', detectedBy: 'safe-mode' });
  });

  it('takes the saved choice over the Telegram settings, and ignores a saved value it does not know', () => {
    expect(detected({ ...nothing, saved: 'websocket', telegramConfigured: true })).toMatchObject({
      wanted: 'websocket',
      detectedBy: 'saved',
    });
    expect(detected({ ...nothing, saved: 'carrier-pigeon', telegramConfigured: true })).toMatchObject({
      wanted: 'telegram',
      detectedBy: 'telegram-settings',
    });
  });
});

describe('transport state: switch requested (here or on another instance)', () => {
  it('to telegram with the bridge running here: telegram carries the conversation', () => {
    expect(switched(onWebsocket, 'telegram', true, now)).toEqual({
      active: 'telegram',
      wanted: 'telegram',
      detectedBy: 'switch',
      reason: null,
      switchedAt: now.toISOString(),
    });
  });

  it('to telegram while another instance runs the bridge: a standby that says so', () => {
    expect(switched(onWebsocket, 'telegram', false, now)).toMatchObject({
      active: 'websocket',
      wanted: 'telegram',
      reason: STANDBY,
    });
  });

  it('to websocket: websocket carries it, whatever ran before, with no reason left over', () => {
    const fellBack = startFailed(onTelegram, 'getMe failed');
    expect(switched(fellBack, 'websocket', true, now)).toMatchObject({
      active: 'websocket',
      wanted: 'websocket',
      detectedBy: 'switch',
      reason: null,
    });
  });

  it('remote switch to telegram on an instance without Telegram settings: it names the missing settings', () => {
    expect(remoteSwitchUnconfigured(onWebsocket, now)).toMatchObject({
      active: 'websocket',
      wanted: 'telegram',
      detectedBy: 'switch',
      reason: NOT_CONFIGURED_HERE,
      switchedAt: now.toISOString(),
    });
  });
});

describe('transport state: the Telegram role', () => {
  it('competing for the role: a standby until it is held', () => {
    expect(standingBy({ ...onWebsocket, wanted: 'telegram' })).toMatchObject({
      active: 'websocket',
      reason: STANDBY,
    });
  });

  it('role gained and the bridge started: telegram, the standby reason gone, how it was chosen kept', () => {
    const standby = standingBy({ ...onWebsocket, wanted: 'telegram', detectedBy: 'telegram-settings' });
    expect(bridgeStarted(standby)).toMatchObject({
      active: 'telegram',
      reason: null,
      detectedBy: 'telegram-settings',
    });
  });

  it('role lost while telegram is wanted: back to standby on websocket', () => {
    expect(roleLost(onTelegram)).toMatchObject({ active: 'websocket', wanted: 'telegram', reason: STANDBY });
  });

  it('role lost while the cluster is on websocket: no standby reason', () => {
    expect(roleLost({ ...onWebsocket, reason: STANDBY })).toMatchObject({
      active: 'websocket',
      reason: null,
    });
  });
});

describe('transport state: a failed start and its recovery', () => {
  it('start failed: websocket carries the conversation, with the reason, and recovery is due', () => {
    const state = startFailed({ ...onWebsocket, wanted: 'telegram', detectedBy: 'env' }, 'getMe failed: 401');
    expect(state).toMatchObject({
      active: 'websocket',
      wanted: 'telegram',
      detectedBy: 'fallback',
      reason: 'telegram could not start (getMe failed: 401); websocket carries the conversation',
    });
    expect(awaitingRecovery(state)).toBe(true);
  });

  it('a retry failed too: says it keeps retrying, still due', () => {
    const state = retryFailed(startFailed(onTelegram, 'first'), 'no answer within 1000 ms');
    expect(state.reason).toBe(
      'telegram could not start (no answer within 1000 ms); websocket carries the conversation, retrying',
    );
    expect(awaitingRecovery(state)).toBe(true);
  });

  it('recovered: telegram again, marked as recovered, at that time; nothing more to recover', () => {
    const state = recovered(startFailed(onTelegram, 'outage'), now);
    expect(state).toEqual({
      active: 'telegram',
      wanted: 'telegram',
      detectedBy: 'recovered',
      reason: null,
      switchedAt: now.toISOString(),
    });
    expect(awaitingRecovery(state)).toBe(false);
  });

  it('a switch after a failed start ends the recovery', () => {
    expect(awaitingRecovery(switched(startFailed(onTelegram, 'x'), 'telegram', false, now))).toBe(false);
  });
});
