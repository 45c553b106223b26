import type { AddressInfo } from 'node:net';
import { jsonEncoder } from '@trpc/server/adapters/ws';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { wsEncoder, wsTextFrame } from '../../../src/server/http/ws-encoder';
import type { Message } from '../../../src/shared/message';
import { message as committed } from '../../helpers/messages';

const message = (id: number, text = `m${id}`) => committed({ id, text });

const frame = (subscription: number, messages: Message[]) => ({
  id: subscription,
  jsonrpc: '2.0',
  result: {
    type: 'data',
    id: String(messages.at(-1)?.id),
    data: { id: String(messages.at(-1)?.id), data: { messages } },
  },
});

describe('wsEncoder', () => {
  it('produces exactly what JSON encoding would, for batches and everything else', () => {
    const batch = [message(1, 'quote " and \\ and \u2028 and </script>'), message(2)];
    for (const data of [
      frame(7, batch),
      { id: 1, result: { type: 'started' } },
      { id: null, error: { code: -32700, message: 'bad' } },
      { id: 3, result: { type: 'data', data: { ok: true } } },
    ]) {
      expect(JSON.parse(String(wsEncoder.encode(data)))).toEqual(
        JSON.parse(jsonEncoder.encode(data) as string),
      );
    }
  });

  it('serializes a shared batch once and reuses it for every subscriber', () => {
    const batch = [message(1), message(2)];
    const a = String(wsEncoder.encode(frame(1, [...batch])));
    const b = String(wsEncoder.encode(frame(2, [...batch])));
    expect(a.replace('"id":1', '"id":2')).toBe(b);
  });

  it('hands subscribers with the same envelope one finished frame, not a copy each', () => {
    const batch = [message(10), message(11)];
    const first = wsEncoder.encode(frame(1, [...batch]));
    expect(wsEncoder.encode(frame(1, [...batch]))).toBe(first);
    expect(wsEncoder.encode(frame(2, [...batch]))).not.toBe(first);
  });

  it('does not confuse a batch that merely starts with the same message', () => {
    const first = message(1);
    wsEncoder.encode(frame(1, [first, message(2)]));
    const longer = JSON.parse(String(wsEncoder.encode(frame(1, [first, message(2), message(3)]))));
    expect(longer.result.data.data.messages.map((m: Message) => m.id)).toEqual([1, 2, 3]);
  });
});

describe('wsTextFrame', () => {
  it('frames payloads of every length class so a real ws client reads them as text', async () => {
    // 7-bit, 16-bit and 64-bit payload lengths (RFC 6455 5.2), written raw to the socket as the server does.
    const texts = ['x'.repeat(5), 'é'.repeat(200), 'y'.repeat(70_000)];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket) => {
      const raw = (socket as unknown as { _socket: import('node:net').Socket })._socket;
      for (const text of texts) raw.write(wsTextFrame(Buffer.from(text)));
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const received: { text: string; isBinary: boolean }[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data, isBinary) => {
        received.push({ text: String(data), isBinary });
        if (received.length === texts.length) resolve();
      });
      client.on('error', reject);
    });
    client.close();
    await new Promise((resolve) => wss.close(resolve));
    expect(received).toEqual(texts.map((text) => ({ text, isBinary: false })));
  });

  it('builds the frame of a shared payload once', () => {
    const payload = Buffer.from('{"shared":true}');
    expect(wsTextFrame(payload)).toBe(wsTextFrame(payload));
    expect(wsTextFrame(payload).subarray(2).equals(payload)).toBe(true);
  });
});
