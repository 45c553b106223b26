// Advisory lock keys shared by every instance on one PostgreSQL database, and the NOTIFY channels.
export const LOCKS = {
  /** Held while migrations run, so instances starting together do not race. */
  migrate: 7_341_001,
  /** Taken (per transaction) before a message takes its id, so ids commit in id order. */
  messages: 7_341_002,
  /** The Telegram bridge leader (poller + forwarder). */
  telegram: 7_341_003,
  /** The agents leader (mention answers, tasks). */
  agents: 7_341_004,
  /** Taken (per transaction) before a task timeline entry takes its id, so those ids commit in id order too. */
  taskEvents: 7_341_005,
} as const;

export const CHANNELS = {
  /** Payload: the newest committed message id. A doorbell only; the tailer reads the rows. */
  messages: 'ocs_messages',
  /** Payload: JSON { instance, activity } for typing and presence. */
  activity: 'ocs_activity',
  /** A doorbell: the roster, the task queue or a stop request changed; the agents leader reloads from the tables. */
  agents: 'ocs_agents',
  /** Payload: JSON { instance, key }: a shared setting was saved (the transport switch); re-read it. */
  settings: 'ocs_settings',
  /** A doorbell: a task timeline entry was committed; each instance reads `task_events` after its last id. */
  tasks: 'ocs_tasks',
  /** Payload: JSON { instance, id, request | outcome }: an answer to an agent's ask for the agents leader, and its reply. */
  answers: 'ocs_answers',
} as const;
