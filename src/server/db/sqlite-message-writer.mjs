// The group commit of the log (messages, thread replies, edits, deletions, reactions) on one SQLite connection,
// shared by the in-thread writer (`:memory:` databases) and the writer thread (files) so both assign ids and check
// replies, clientIds and rights the same way. Plain JavaScript (typed by sqlite-message-writer.d.mts): a worker thread
// loads it in ~50 ms, where a TypeScript loader takes a second.

export const MESSAGE_COLUMNS =
  'id, text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id, edited_at, deleted_at, thread_root, thread_broadcast, reply_count, last_reply_at';

/**
 * A row as a Message. The richer chat's fields are set only when they say something, so a plain message has the
 * same twelve fields (and the same JSON) as before them.
 * @param {import('./sqlite-message-writer.mjs').RawRow} r
 */
export const fromRaw = (r) => {
  const m = {
    id: r.id,
    text: r.text,
    sender: r.sender,
    senderKind: r.sender_kind,
    mentions: JSON.parse(r.mentions),
    isCommand: r.is_command === 1,
    command: r.command,
    commandArgs: JSON.parse(r.command_args),
    replyTo: r.reply_to,
    origin: r.origin,
    createdAt: r.created_at,
    clientId: r.client_id,
  };
  if (r.edited_at !== null) m.editedAt = r.edited_at;
  if (r.deleted_at !== null) m.deletedAt = r.deleted_at;
  if (r.thread_root !== null) m.threadRoot = r.thread_root;
  if (r.thread_broadcast === 1) m.alsoInChannel = true;
  if (r.reply_count > 0) m.replyCount = r.reply_count;
  if (r.last_reply_at !== null) m.lastReplyAt = r.last_reply_at;
  return m;
};

/**
 * Rows (message_id, emoji, user_name) in the order they were added, as each message's `reactions`: one entry per
 * emoji in the order first used, its users oldest first.
 * @param {{ message_id: number; emoji: string; user_name: string }[]} rows
 */
export function groupReactions(rows) {
  /** @type {Map<number, { emoji: string; users: string[] }[]>} */
  const byMessage = new Map();
  for (const row of rows) {
    let list = byMessage.get(row.message_id);
    if (!list) {
      list = [];
      byMessage.set(row.message_id, list);
    }
    const entry = list.find((e) => e.emoji === row.emoji);
    if (entry) entry.users.push(row.user_name);
    else list.push({ emoji: row.emoji, users: [row.user_name] });
  }
  return byMessage;
}

/**
 * Reading messages with their reactions on one connection: by id, by id range (pages), by a list of ids. Pages ask
 * the reactions of their whole id range in one indexed query, so a page of plain messages costs one cheap empty
 * look-up, not one per message.
 * @param {import('better-sqlite3').Database} sqlite
 */
export function messageReader(sqlite) {
  const byId = sqlite.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`);
  const byIds = sqlite.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  );
  const reactionsOf = sqlite.prepare(
    'SELECT message_id, emoji, user_name FROM reactions WHERE message_id = ? ORDER BY created_at, rowid',
  );
  const reactionsIn = sqlite.prepare(
    'SELECT message_id, emoji, user_name FROM reactions WHERE message_id BETWEEN ? AND ? ORDER BY created_at, rowid',
  );
  const reactionsOfIds = sqlite.prepare(
    'SELECT message_id, emoji, user_name FROM reactions WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid',
  );

  /** @param {any[]} messages @param {any[]} rows */
  const attach = (messages, rows) => {
    if (rows.length === 0) return messages;
    const grouped = groupReactions(rows);
    for (const m of messages) {
      const reactions = grouped.get(m.id);
      if (reactions) m.reactions = reactions;
    }
    return messages;
  };

  return {
    /** @param {number} id */
    one(id) {
      const row = byId.get(id);
      if (row === undefined) return undefined;
      return attach([fromRaw(row)], reactionsOf.all(id))[0];
    },
    /** Rows of a page (ascending ids) as Messages with their reactions. @param {any[]} rows */
    page(rows) {
      if (rows.length === 0) return [];
      const messages = rows.map(fromRaw);
      return attach(messages, reactionsIn.all(rows[0].id, rows[rows.length - 1].id));
    },
    /** @param {readonly number[]} ids */
    many(ids) {
      if (ids.length === 0) return [];
      const json = JSON.stringify(ids);
      return attach(byIds.all(json).map(fromRaw), reactionsOfIds.all(json));
    },
  };
}

/**
 * Adds a new message to the full-text index, in the caller's transaction. Not a trigger: an AFTER INSERT trigger
 * makes SQLite open a statement savepoint for every message, and FTS5 flushes its pending terms into a new segment at
 * each savepoint — 19–26 µs a message instead of 6–10 (migration 0012). Edits and deletions keep their triggers.
 * A database without the index (older than migration 0010) is written without it.
 * @param {import('better-sqlite3').Database} sqlite
 * @returns {(id: number, text: string, sender: string) => void}
 */
export function searchIndexer(sqlite) {
  const indexed = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages_fts'")
    .get();
  if (indexed === undefined) return () => {};
  const add = sqlite.prepare('INSERT INTO messages_fts (rowid, text, sender) VALUES (?, ?, ?)');
  return (id, text, sender) => {
    add.run(id, text, sender);
  };
}

/** @param {import('better-sqlite3').Database} sqlite */
export function messageWriter(sqlite) {
  // Statements prepared once: building a query per insert cost more than the insert itself.
  const insert = sqlite.prepare(
    `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id, thread_root, thread_broadcast)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const exists = sqlite.prepare('SELECT 1 FROM messages WHERE id = ?').pluck();
  const byClientId = sqlite.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender = ? AND client_id = ?`,
  );
  const rootOf = sqlite.prepare('SELECT coalesce(thread_root, id) FROM messages WHERE id = ?').pluck();
  const state = sqlite.prepare('SELECT sender, text, deleted_at FROM messages WHERE id = ?');
  const bumpThread = sqlite.prepare(
    'UPDATE messages SET reply_count = reply_count + 1, last_reply_at = ? WHERE id = ?',
  );
  const edit = sqlite.prepare(
    'UPDATE messages SET text = ?, mentions = ?, is_command = ?, command = ?, command_args = ?, edited_at = ? WHERE id = ?',
  );
  // The tombstone: the row (and its thread) stays, what was said is gone.
  const tombstone = sqlite.prepare(
    `UPDATE messages SET text = '', mentions = '[]', is_command = 0, command = NULL, command_args = '[]', deleted_at = ? WHERE id = ?`,
  );
  const dropReactions = sqlite.prepare('DELETE FROM reactions WHERE message_id = ?');
  const addReaction = sqlite.prepare(
    'INSERT OR IGNORE INTO reactions (message_id, user_name, emoji, created_at) VALUES (?, ?, ?, ?)',
  );
  const removeReaction = sqlite.prepare(
    'DELETE FROM reactions WHERE message_id = ? AND user_name = ? AND emoji = ?',
  );
  // A change takes the next id of the messages' own AUTOINCREMENT sequence, so messages and changes share one
  // ordered log (a message inserted later gets a larger id still: SQLite starts from max(seq, max(rowid)) + 1).
  const nextId = sqlite
    .prepare("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'messages' RETURNING seq")
    .pluck();
  const startSequence = sqlite
    .prepare(
      "INSERT INTO sqlite_sequence (name, seq) SELECT 'messages', coalesce(max(id), 0) + 1 FROM messages RETURNING seq",
    )
    .pluck();
  const logChange = sqlite.prepare(
    'INSERT INTO message_changes (id, message_id, kind, actor, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const read = messageReader(sqlite);
  const index = searchIndexer(sqlite);

  /** @returns {number} */
  const takeId = () => nextId.get() ?? startSequence.get();

  /** Logs a change of `messageId` and returns it with the message's state after it. */
  const logged = (kind, messageId, by, at) => {
    const id = takeId();
    logChange.run(id, messageId, kind, by, at);
    return { change: { id, kind, messageId, by, at, message: read.one(messageId) } };
  };

  /** @param {import('./repository').ChangeOp} op @param {string} at */
  const applyChange = (op, at) => {
    const row = state.get(op.id);
    if (row === undefined) return { refused: 'not-found', id: op.id };
    if (op.kind === 'edit') {
      if (row.sender !== op.by) return { refused: 'forbidden', id: op.id };
      if (row.deleted_at !== null) return { refused: 'deleted', id: op.id };
      if (row.text === op.text) return { unchanged: true };
      edit.run(
        op.text,
        JSON.stringify(op.mentions),
        op.isCommand ? 1 : 0,
        op.command,
        JSON.stringify(op.commandArgs),
        at,
        op.id,
      );
      return logged('edit', op.id, op.by, at);
    }
    if (op.kind === 'delete') {
      if (row.sender !== op.by && !op.asAdmin) return { refused: 'forbidden', id: op.id };
      if (row.deleted_at !== null) return { unchanged: true };
      tombstone.run(at, op.id);
      dropReactions.run(op.id);
      return logged('delete', op.id, op.by, at);
    }
    if (row.deleted_at !== null) return { refused: 'deleted', id: op.id };
    const { changes } = op.on
      ? addReaction.run(op.id, op.by, op.emoji, at)
      : removeReaction.run(op.id, op.by, op.emoji);
    if (changes === 0) return { unchanged: true };
    return logged('react', op.id, op.by, at);
  };

  /** @param {import('./repository').NewMessage} m @param {string} createdAt */
  const append = (m, createdAt) => {
    const clientId = m.clientId ?? null;
    if (clientId !== null) {
      // Checked inside the transaction, so a retry in the same batch sees the first copy too.
      const existing = byClientId.get(m.sender, clientId);
      if (existing) return { duplicateOf: fromRaw(existing) };
    }
    if (m.replyTo !== null && exists.get(m.replyTo) === undefined) return { missingReply: m.replyTo };
    // A reply to a thread reply goes to that reply's root: threads are one level deep.
    const root = m.threadRoot === undefined || m.threadRoot === null ? null : rootOf.get(m.threadRoot);
    if (root === undefined) return { missingRoot: m.threadRoot };
    const { lastInsertRowid } = insert.run(
      m.text,
      m.sender,
      m.senderKind,
      JSON.stringify(m.mentions),
      m.isCommand ? 1 : 0,
      m.command,
      JSON.stringify(m.commandArgs),
      m.replyTo,
      m.origin,
      createdAt,
      clientId,
      root,
      m.alsoInChannel ? 1 : 0,
    );
    const id = Number(lastInsertRowid);
    index(id, m.text, m.sender);
    if (root === null) return id;
    bumpThread.run(createdAt, root);
    return { reply: id, root, ...logged('thread', root, m.sender, createdAt) };
  };

  // BEGIN IMMEDIATE: the group reads (client ids, reply targets) before it writes, and a deferred transaction that
  // must turn from reader into writer after another connection committed fails at once with SQLITE_BUSY ("database
  // is locked") instead of waiting busy_timeout — the server's main connection also commits (outbox, settings).
  const group = sqlite.transaction((batch) => {
    const createdAt = new Date().toISOString();
    const outcomes = batch.map((item) =>
      item.change === undefined ? append(item, createdAt) : applyChange(item.change, createdAt),
    );
    return { createdAt, outcomes };
  });
  return (batch) => group.immediate(batch);
}
