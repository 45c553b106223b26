// Reactions across the bridge. Telegram takes a fixed set of emoji, and a bot may set one reaction per message:
// the bot's reaction on a Telegram copy shows the chat's most used emoji there, counting people who reacted from
// the web only (those who reacted in Telegram show there themselves).
import type { Reaction } from '../../../shared/message';
import { QUICK_REACTIONS } from '../../../shared/reactions';

/** The emoji Telegram accepts as a reaction (ReactionTypeEmoji in the Bot API), without variation selectors. */
const TELEGRAM_REACTIONS = new Set(
  [
    '👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓',
    '🍾 💋 🖕 😈 😴 😭 🤓 👻 👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡',
  ]
    .join(' ')
    .split(' '),
);

/** telegram_state key: the names of people who reacted from Telegram (a JSON array, newest last). */
export const STATE_TELEGRAM_REACTORS = 'telegram_reactors';
const KEEP_REACTORS = 500;

export function parseReactors(value: string | null): Set<string> {
  try {
    const list = JSON.parse(value ?? '[]') as unknown;
    return new Set(Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : []);
  } catch {
    return new Set();
  }
}

/** The stored list with `name` added (moved to the end, the oldest dropped past the cap), or null if unchanged. */
export function withReactor(value: string | null, name: string): string | null {
  const names = [...parseReactors(value)];
  if (names.at(-1) === name) return null;
  const next = [...names.filter((n) => n !== name), name].slice(-KEEP_REACTORS);
  return JSON.stringify(next);
}

const bare = (emoji: string) => emoji.replaceAll('\uFE0F', '');

/** The emoji as Telegram spells it, or null when Telegram has no such reaction. */
export function toTelegramEmoji(emoji: string): string | null {
  const plain = bare(emoji);
  return TELEGRAM_REACTIONS.has(plain) ? plain : null;
}

/** A Telegram reaction as the chat spells it: the quick set's form when it has one (❤ is ❤️ there). */
export function fromTelegramEmoji(emoji: string): string {
  return QUICK_REACTIONS.find((quick) => bare(quick) === bare(emoji)) ?? emoji;
}

/**
 * The one reaction the bot shows on the Telegram copy: the emoji Telegram has with the most reactors who are not
 * Telegram people (the first used wins a tie), or null for none.
 */
export function botReaction(
  reactions: readonly Reaction[] | undefined,
  telegramPeople: ReadonlySet<string>,
): string | null {
  let best: { emoji: string; count: number } | null = null;
  for (const reaction of reactions ?? []) {
    const emoji = toTelegramEmoji(reaction.emoji);
    const count = reaction.users.filter((user) => !telegramPeople.has(user)).length;
    if (emoji && count > 0 && count > (best?.count ?? 0)) best = { emoji, count };
  }
  return best?.emoji ?? null;
}
