// What a message asks of a mentioned agent (task, status, question, small talk) and the task it describes.
// All matching is on word boundaries: "address" is not "add", "don't" is not "do".

export type Intent = 'task' | 'status' | 'question' | 'smalltalk';

const TASK_VERBS = [
  'add',
  'build',
  'change',
  'check',
  'clean',
  'configure',
  'convert',
  'create',
  'debug',
  'delete',
  'deploy',
  'design',
  'do',
  'document',
  'draft',
  'fix',
  'generate',
  'handle',
  'implement',
  'improve',
  'install',
  'integrate',
  'investigate',
  'make',
  'migrate',
  'move',
  'optimize',
  'optimise',
  'prepare',
  'refactor',
  'remove',
  'rename',
  'replace',
  'review',
  'rewrite',
  'run',
  'set up',
  'setup',
  'ship',
  'test',
  'update',
  'upgrade',
  'write',
];

// A word boundary that also treats an apostrophe as part of a word, so "don't" never yields "do"/"don".
const B = "(?<![\\w'’])";
const E = "(?![\\w'’])";
const VERB = `(?:${TASK_VERBS.map((v) => v.replace(' ', '\\s+')).join('|')})`;

const LEADING_MENTIONS = /^(?:\s*@[A-Za-z0-9][A-Za-z0-9_-]*[,:]?)+\s*/;
const GREETING = new RegExp(`^(?:hey|hi|hello|yo|ok|okay)${E}[,!.]?\\s*`, 'i');
const POLITE_START = new RegExp(
  `^(?:please|pls|plz|kindly|can you|could you|would you|will you|can u|could u|would you mind|i need you to|i'd like you to|go ahead and)${E}[,]?\\s*`,
  'i',
);
const POLITE_END = new RegExp(
  `[\\s,]*${B}(?:please|pls|plz|thanks|thank you|thx|ty|thanks in advance)${E}[\\s!.]*$`,
  'i',
);
const REQUEST = new RegExp(
  `${B}(?:please|pls|plz|can you|could you|would you|will you|i need you to|go ahead and)\\s+${VERB}${E}`,
  'i',
);
const STARTS_WITH_VERB = new RegExp(`^${VERB}${E}`, 'i');
const STATUS = new RegExp(
  [
    `${B}status${E}`,
    `${B}progress${E}`,
    `${B}what(?:'s|’s| is| are) you (?:working on|doing|up to)`,
    `${B}what are you working on${E}`,
    `${B}how(?:'s|’s| is) (?:it|the task|your task|work) going${E}`,
    `${B}(?:what(?:'s|’s| is)|show) (?:your |the )?(?:current )?(?:task|queue)${E}`,
    `${B}are you (?:busy|done|finished)${E}`,
  ].join('|'),
  'i',
);
const QUESTION_START = new RegExp(
  `^(?:what|why|how|when|where|who|which|is|are|do|does|did|should|would|could|can|any|have|has)${E}`,
  'i',
);

/** Removes the agents' @mentions at the start and the agent's own mention anywhere. */
function withoutAddress(text: string, agent: string): string {
  const own = new RegExp(`(?<![\\w.@-])@${agent.replace(/[-]/g, '\\-')}(?:-bot)?[-_]*(?![\\w-])[,:]?`, 'gi');
  return text.replace(LEADING_MENTIONS, '').replace(own, ' ').replace(/\s+/g, ' ').trim();
}

/** The task a message describes: mention and politeness removed at the edges, the rest kept verbatim. */
export function extractTaskDescription(text: string, agent: string): string {
  let rest = withoutAddress(text, agent);
  for (let previous = ''; previous !== rest; ) {
    previous = rest;
    rest = rest
      .replace(GREETING, '')
      .replace(POLITE_START, '')
      .replace(/[\s?!.]+$/, '')
      .replace(POLITE_END, '')
      .trim();
  }
  return rest.replace(/^[\s,:;-]+/, '').replace(/[\s?!.,;]+$/, '');
}

export function detectIntent(text: string, agent: string): Intent {
  const addressed = withoutAddress(text, agent);
  if (STATUS.test(addressed)) return 'status';
  const task = extractTaskDescription(text, agent);
  if (task && (REQUEST.test(addressed) || STARTS_WITH_VERB.test(task))) return 'task';
  if (addressed.includes('?') || QUESTION_START.test(addressed)) return 'question';
  return 'smalltalk';
}
