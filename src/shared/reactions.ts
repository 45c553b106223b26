// The reaction set and the single-emoji check, without zod, so the web client's picker can import them without
// pulling the schema library into its initial bundle (message-changes.ts re-exports them).

/** The quick set offered in the reaction picker; any single emoji is accepted too. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢', '👀', '✅'] as const;

/** One emoji (one grapheme: ZWJ sequences, skin tones and flags included), nothing else. */
export function isSingleEmoji(value: string): boolean {
  if (value.length === 0 || value.length > 32) return false;
  const graphemes = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(value)];
  return (
    graphemes.length === 1 &&
    /^(\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3)/u.test(value)
  );
}
