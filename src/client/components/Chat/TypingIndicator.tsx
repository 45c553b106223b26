// "alice is typing…" under the conversation; empty (but present, for screen readers) when nobody is.
import { typingNames, typingText, useChatStore } from '../../stores/chatStore';

export function TypingIndicator() {
  const typing = useChatStore((s) => s.typing);
  const names = typingNames(typing);
  return (
    <div
      data-testid="typing-indicator"
      data-typing={names.join(',')}
      aria-live="polite"
      className="h-5 px-4 text-xs italic text-slate-500 dark:text-slate-400"
    >
      {typingText(names)}
    </div>
  );
}
