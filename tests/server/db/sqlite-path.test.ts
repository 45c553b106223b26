// DATABASE_URL forms for SQLite: plain paths, the Python version's SQLAlchemy URLs and file: URLs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqlite, sqlitePath } from '../../../src/server/db/client';

describe('sqlitePath', () => {
  it.each([
    ['./data/opencode-slack.db', './data/opencode-slack.db'],
    [':memory:', ':memory:'],
    // SQLAlchemy: three slashes = relative to the working directory, four = absolute, none = in memory.
    ['sqlite:///employees.db', 'employees.db'],
    ['sqlite:///data/employees.db', 'data/employees.db'],
    ['sqlite:////var/lib/ocs/employees.db', '/var/lib/ocs/employees.db'],
    ['sqlite://', ':memory:'],
    ['sqlite:///:memory:', ':memory:'],
    ['sqlite+pysqlite:///employees.db', 'employees.db'],
    ['sqlite:///employees.db?timeout=30', 'employees.db'],
    // The short forms this project accepted before.
    ['sqlite:chat.db', 'chat.db'],
    ['sqlite://chat.db', 'chat.db'],
    // file: URLs.
    ['file:///var/lib/ocs/chat.db', '/var/lib/ocs/chat.db'],
    ['file://localhost/var/lib/ocs/chat.db', '/var/lib/ocs/chat.db'],
    ['file:data/chat.db', 'data/chat.db'],
    ['file:./chat.db?mode=rwc', './chat.db'],
    ['file:///tmp/my%20chat.db', '/tmp/my chat.db'],
  ])('reads %s as %s', (url, path) => {
    expect(sqlitePath(url)).toBe(path);
  });

  it('refuses a file: URL naming another host, saying how to write the path', () => {
    expect(() => sqlitePath('file://data/chat.db')).toThrow(
      'names the host "data": use file:data/chat.db for a relative path or file:///absolute/path',
    );
  });
});

describe('openSqlite', () => {
  it('refuses the Python version employees.db instead of failing half-way through migrations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocs-orig-db-'));
    try {
      const path = join(dir, 'employees.db');
      const original = new Database(path);
      original.exec(`CREATE TABLE employees (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL,
        role TEXT NOT NULL, smartness TEXT DEFAULT 'normal', hired_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
        CREATE TABLE file_locks (id INTEGER PRIMARY KEY AUTOINCREMENT, file_path TEXT NOT NULL,
        employee_name TEXT NOT NULL, task_description TEXT, status TEXT DEFAULT 'locked',
        locked_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)`);
      original.close();
      expect(() => openSqlite(`sqlite:///${path}`)).toThrow(
        /a database of the Python version: this project keeps its own.*npm run import:original/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
