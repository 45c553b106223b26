// People whose access an admin revoked ("fired"): their tokens stop working at once, even unexpired ones. Ids
// match case-insensitively, like employee names: revoking `bob` also stops a token minted for `Bob`.
import type { Repository } from '../db/repository';

/** The settings key holding the revoked user ids (a JSON array), so revocations survive restarts. */
export const REVOKED_USERS_SETTING = 'revoked_users';

const key = (id: string) => id.toLowerCase();

export class RevokedUsers {
  private readonly ids = new Set<string>();

  constructor(private readonly repo: Repository) {}

  /** Reads the stored list; called once at start-up, before any connection is accepted. */
  async load(): Promise<void> {
    const raw = await this.repo.getSetting(REVOKED_USERS_SETTING);
    this.ids.clear();
    if (!raw) return;
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) for (const id of parsed) if (typeof id === 'string') this.ids.add(key(id));
  }

  has(id: string): boolean {
    return this.ids.has(key(id));
  }

  list(): string[] {
    return [...this.ids].sort();
  }

  /** True if the user was not revoked before. Persisted before it answers. */
  async revoke(id: string): Promise<boolean> {
    if (this.ids.has(key(id))) return false;
    this.ids.add(key(id));
    await this.save();
    return true;
  }

  /** True if the user was revoked before. */
  async restore(id: string): Promise<boolean> {
    if (!this.ids.delete(key(id))) return false;
    await this.save();
    return true;
  }

  private save(): Promise<void> {
    return this.repo.setSetting(REVOKED_USERS_SETTING, JSON.stringify(this.list()));
  }
}
