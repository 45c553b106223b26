// A nudge between instances that a shared setting was saved, so each one applies the saved value (the admin's
// transport switch acts on the whole cluster). Alone there is nobody to tell.

export interface SettingsSignal {
  /** Tells the other instances that `key` was saved; call it after the save committed. */
  announceSetting(key: string): Promise<void>;
  /**
   * `listener` runs when another instance saved `key`, or with null when announcements may have been missed
   * (the listening connection came back), so the listener re-reads what it cares about. Returns the remover.
   */
  onSettingChanged(listener: (key: string | null) => void): () => void;
}

/** One process: every change is made here, so there is nothing to announce or hear. */
export const SOLE_INSTANCE_SIGNAL: SettingsSignal = {
  announceSetting: async () => {},
  onSettingChanged: () => () => {},
};
