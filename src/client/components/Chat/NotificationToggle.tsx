// The header's bell: turns desktop notifications for mentions and replies on (asking the browser once) or off.
import { Bell, BellOff, BellRing } from 'lucide-react';
import { useState } from 'react';
import {
  type NotificationSetting,
  notificationSetting,
  turnOffNotifications,
  turnOnNotifications,
} from '../../lib/notifications';

const LABELS: Record<Exclude<NotificationSetting, 'unsupported'>, string> = {
  on: 'Desktop notifications are on for mentions and replies: turn them off',
  off: 'Turn on desktop notifications for mentions and replies',
  blocked: "Desktop notifications are blocked in this browser's site settings",
};

export function NotificationToggle() {
  const [setting, setSetting] = useState<NotificationSetting>(() => notificationSetting());
  if (setting === 'unsupported') return null;
  const Icon = setting === 'on' ? BellRing : setting === 'blocked' ? BellOff : Bell;
  const toggle = async () => {
    if (setting === 'on') setSetting(turnOffNotifications());
    else setSetting(await turnOnNotifications());
  };
  return (
    <button
      type="button"
      data-testid="notifications-toggle"
      data-state={setting}
      aria-pressed={setting === 'on'}
      aria-label={LABELS[setting]}
      title={LABELS[setting]}
      disabled={setting === 'blocked'}
      onClick={() => void toggle()}
      className="rounded p-1 hover:bg-slate-100 disabled:opacity-50 dark:hover:bg-slate-800"
    >
      <Icon size={16} aria-hidden="true" />
    </button>
  );
}
