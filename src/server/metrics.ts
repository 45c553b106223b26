// Prometheus metrics (prom-client): per-app counters fed by hub events, gauges read from services on scrape,
// and the process's default metrics (event-loop lag, memory, GC) shared by every app in the process.
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import type { Message } from '../shared/message';
import { FastHistogram } from './delivery-histogram';

/** What the metrics read at scrape time; each returns the current value, absent parts report 0. */
export interface MetricSources {
  /** Open connections per transport (websocket, legacy, telegram…). */
  connections(): Record<string, number>;
  /** Messages rejected by the per-user rate limit since start. */
  rateLimitHits(): number;
  /** Messages waiting in the Telegram outbox; null when there is no Telegram bridge. */
  telegramOutboxDepth(): Promise<number | null> | number | null;
}

// Default metrics install a GC observer and an event-loop monitor that cannot be removed again; tests build
// many apps in one process, so they are collected once per process and merged into each scrape.
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 10 });
  }
  return processRegistry;
}

/** Names mentioned but not yet answered are remembered up to this many, oldest dropped first. */
const MAX_PENDING_MENTIONS = 1000;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const AGENT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class Metrics {
  readonly registry = new Registry();
  private readonly messages: Counter<'origin'>;
  private readonly delivery: FastHistogram<'transport'>;
  private readonly deliveryByTransport = new Map<string, { observe(value: number): void }>();
  private readonly agentResponse: Histogram<'agent'>;
  private readonly errors: Counter<'code'>;
  /** Lower-cased mentioned name -> commit time (ms) of the oldest mention it has not answered yet. */
  private readonly pendingMentions = new Map<string, number>();

  constructor(readonly sources: MetricSources) {
    // Start the process metrics now: the event-loop delay monitor only has samples from when it started, so
    // creating it at the first scrape left that scrape (and a once-only check) with an empty histogram.
    processMetrics();
    const registers = [this.registry];
    new Gauge({
      name: 'ocs_open_connections',
      help: 'Open client connections by transport',
      labelNames: ['transport'],
      registers,
      collect() {
        this.reset();
        for (const [transport, count] of Object.entries(sources.connections()))
          this.set({ transport }, count);
      },
    });
    this.messages = new Counter({
      name: 'ocs_messages_total',
      help: 'Messages committed, by origin',
      labelNames: ['origin'],
      registers,
    });
    // Observed per message per subscriber: not prom-client's Histogram, whose observe costs ~10% of a flood.
    this.delivery = new FastHistogram(
      'ocs_delivery_latency_seconds',
      'Time from a message commit until it is sent to a live subscriber, by transport',
      'transport',
      LATENCY_BUCKETS,
    );
    this.registry.registerMetric(this.delivery as unknown as Metric);
    this.agentResponse = new Histogram({
      name: 'ocs_agent_response_latency_seconds',
      help: 'Time from a message mentioning an agent until that agent posts (acknowledgement or reply)',
      labelNames: ['agent'],
      buckets: AGENT_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'ocs_errors_total',
      help: 'Failed procedure calls by tRPC error code',
      labelNames: ['code'],
      registers,
    });
    new Counter({
      name: 'ocs_rate_limit_hits_total',
      help: 'Messages refused by the per-user rate limit',
      registers,
      collect() {
        // The limiter keeps the running total; mirror it instead of double counting.
        this.reset();
        this.inc(sources.rateLimitHits());
      },
    });
    new Gauge({
      name: 'ocs_telegram_outbox_depth',
      help: 'Messages waiting in the Telegram outbox (0 without a Telegram bridge)',
      registers,
      async collect() {
        this.set((await sources.telegramOutboxDepth()) ?? 0);
      },
    });
  }

  /** Every committed message passes here once (the hub's event listener in app.ts). */
  onMessage(message: Message): void {
    this.messages.inc({ origin: message.origin });
    const at = Date.parse(message.createdAt);
    if (message.senderKind === 'agent') {
      const key = message.sender.toLowerCase();
      const since = this.pendingMentions.get(key);
      if (since !== undefined) {
        this.pendingMentions.delete(key);
        this.agentResponse.observe({ agent: message.sender }, Math.max(0, at - since) / 1000);
      }
    }
    for (const name of message.mentions) {
      const key = name.toLowerCase();
      if (key === message.sender.toLowerCase() || this.pendingMentions.has(key)) continue;
      this.pendingMentions.set(key, at);
      if (this.pendingMentions.size > MAX_PENDING_MENTIONS) {
        const oldest = this.pendingMentions.keys().next().value;
        if (oldest !== undefined) this.pendingMentions.delete(oldest);
      }
    }
  }

  /** Live messages handed to a transport for sending (not replays: those measure the absence, not us). */
  observeDelivery(messages: readonly Message[], transport: string, now = Date.now()): void {
    // Hot path (every message x every subscriber): the labelled child made once per transport (labels() builds
    // closures on every call), and one date parse per commit group (messages committed together share createdAt).
    let histogram = this.deliveryByTransport.get(transport);
    if (!histogram) {
      histogram = this.delivery.child(transport);
      this.deliveryByTransport.set(transport, histogram);
    }
    let createdAt = '';
    let seconds = 0;
    for (const message of messages) {
      if (message.createdAt !== createdAt) {
        createdAt = message.createdAt;
        seconds = Math.max(0, now - Date.parse(createdAt)) / 1000;
      }
      histogram.observe(seconds);
    }
  }

  recordError(code: string): void {
    this.errors.inc({ code });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of this app's metrics plus the process's. */
  async render(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
