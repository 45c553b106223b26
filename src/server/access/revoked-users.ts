// People whose access an admin revoked ("fired"): their tokens stop working at once, even unexpired ones. Ids
// match case-insensitively, like agent names: revoking `bob` also stops a token minted for `Bob`. In a cluster a
// change is announced on the settings signal and every other instance re-reads the list, so it takes effect there
// too (each frame of an open connection is checked against it).
import type { Logger } from 'pino';
import type { Repository } from '../db/repository';
import { type SettingsSignal, SOLE_INSTANCE_SIGNAL } from '../db/settings-signal';
import { Serial } from '../serial';

/** The settings key holding the revoked user ids (a JSON array), so revocations survive restarts. */
export const REVOKED_USERS_SETTING = 'revoked_users';

const key = (id: string) => id.toLowerCase();

export class RevokedUsers {
  private ids = new Set<string>();
  /** Changes and reloads one at a time: each change starts from the stored list, so none undoes another's. */
  private readonly serial = new Serial();
  private unlisten: (() => void) | null = null;
  private readonly revokedElsewhere = new Set<(ids: string[]) => void>();

  constructor(
    private readonly repo: Repository,
    private readonly signal: SettingsSignal = SOLE_INSTANCE_SIGNAL,
    private readonly logger?: Logger,
  ) {}

  /** Reads the stored list (before any connection is accepted), then follows other instances' changes. */
  async load(): Promise<void> {
    await this.serial.run(() => this.read());
    this.unlisten ??= this.signal.onSettingChanged((changed) => {
      // null: announcements may have been missed (the listening connection came back), so read it anyway.
      if (changed !== null && changed !== REVOKED_USERS_SETTING) return;
      this.serial
        .run(async () => {
          const before = this.ids;
          await this.read();
          const added = [...this.ids].filter((id) => !before.has(id));
          if (added.length > 0) for (const listener of this.revokedElsewhere) listener(added);
        })
        .catch((err) => this.logger?.warn({ err }, 'could not re-read the revoked users'));
    });
  }

  /** `listener` gets the (lower-case) ids another instance revoked, so this one drops their open connections. */
  onRevokedElsewhere(listener: (ids: string[]) => void): () => void {
    this.revokedElsewhere.add(listener);
    return () => this.revokedElsewhere.delete(listener);
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = null;
  }

  /** Swaps in the stored list whole, so a check meanwhile sees the old list or the new one, never an empty one. */
  private async read(): Promise<void> {
    const raw = await this.repo.getSetting(REVOKED_USERS_SETTING);
    const ids = new Set<string>();
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (Array.isArray(parsed)) for (const id of parsed) if (typeof id === 'string') ids.add(key(id));
    this.ids = ids;
  }

  has(id: string): boolean {
    return this.ids.has(key(id));
  }

  list(): string[] {
    return [...this.ids].sort();
  }

  /** True if the user was not revoked before. Persisted (and announced to other instances) before it answers. */
  revoke(id: string): Promise<boolean> {
    return this.change((ids) => {
      if (ids.has(key(id))) return false;
      ids.add(key(id));
      return true;
    });
  }

  /** True if the user was revoked before. */
  restore(id: string): Promise<boolean> {
    return this.change((ids) => ids.delete(key(id)));
  }

  /** Applies `edit` to the stored list (another instance may have changed it), saves it and announces it. */
  private change(edit: (ids: Set<string>) => boolean): Promise<boolean> {
    return this.serial.run(async () => {
      await this.read();
      const ids = new Set(this.ids);
      if (!edit(ids)) return false;
      await this.repo.setSetting(REVOKED_USERS_SETTING, JSON.stringify([...ids].sort()));
      this.ids = ids;
      await this.signal
        .announceSetting(REVOKED_USERS_SETTING)
        .catch((err) => this.logger?.warn({ err }, 'could not announce a revocation to the other instances'));
      return true;
    });
  }
}
