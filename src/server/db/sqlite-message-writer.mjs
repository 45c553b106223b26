// The group commit of messages on one SQLite connection, shared by the in-thread writer (`:memory:` databases) and
// the writer thread (files) so both assign ids and check replies and clientIds the same way. Plain JavaScript (typed
// by sqlite-message-writer.d.mts): a worker thread loads it in ~50 ms, where a TypeScript loader takes a second.

export const MESSAGE_COLUMNS =
  'id, text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id';

/** @param {import('./sqlite-message-writer.mjs').RawRow} r */
export const fromRaw = (r) => ({
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
});

/** @param {import('better-sqlite3').Database} sqlite */
export function messageWriter(sqlite) {
  // Statements prepared once: building a query per insert cost more than the insert itself.
  const insert = sqlite.prepare(
    `INSERT INTO messages (text, sender, sender_kind, mentions, is_command, command, command_args, reply_to, origin, created_at, client_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const exists = sqlite.prepare('SELECT 1 FROM messages WHERE id = ?').pluck();
  const byClientId = sqlite.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender = ? AND client_id = ?`,
  );
  // BEGIN IMMEDIATE: the group reads (client ids, reply targets) before it writes, and a deferred transaction that
  // must turn from reader into writer after another connection committed fails at once with SQLITE_BUSY ("database
  // is locked") instead of waiting busy_timeout — the server's main connection also commits (outbox, settings).
  const group = sqlite.transaction((batch) => {
    const createdAt = new Date().toISOString();
    const outcomes = batch.map((m) => {
      const clientId = m.clientId ?? null;
      if (clientId !== null) {
        // Checked inside the transaction, so a retry in the same batch sees the first copy too.
        const existing = byClientId.get(m.sender, clientId);
        if (existing) return { duplicateOf: fromRaw(existing) };
      }
      if (m.replyTo !== null && exists.get(m.replyTo) === undefined) return { missingReply: m.replyTo };
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
      );
      return Number(lastInsertRowid);
    });
    return { createdAt, outcomes };
  });
  return (batch) => group.immediate(batch);
}
