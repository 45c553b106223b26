// Replies without any API key: fixed phrasings varied by a seed, help tips drawn from the helper's expertise.
import type { AcknowledgeInput, AnswerInput, Responder, SuggestInput } from './responder';
import { describeRole, expertiseFor } from './roles';

const pick = <T>(options: readonly T[], seed: number): T => options[Math.abs(seed) % options.length] as T;

/** "Add a login form" reads "add a login form" inside a sentence; acronyms ("API …") stay as they are. */
const inSentence = (task: string) =>
  /^[A-Z][a-z]/.test(task) ? task[0]?.toLowerCase() + task.slice(1) : task;

/** Concrete first steps per expertise keyword; the first keyword with a tip wins. */
const TIPS: Record<string, string> = {
  css: 'open the element in the browser devtools and check the Computed tab to see which rule wins; a more specific selector, an inherited `display`, or a parent with `overflow: hidden` is the usual culprit. Reproduce it in a minimal page to rule out the rest.',
  layout:
    'outline every box (`* { outline: 1px solid red }`) to see what takes the space, then decide between flexbox (one axis) and grid (two axes) and set `min-width: 0` on flex children that overflow.',
  styling:
    'check the cascade order and specificity in devtools, and prefer one styling approach per component so rules do not fight each other.',
  ui: 'sketch the states first (empty, loading, error, filled) and build the component for each, so nothing surprises you at the end.',
  ux: 'walk through the flow as a first-time user and write down every place you hesitate; each one is a fix.',
  design: 'start from a rough mockup with real content, agree on spacing and type scale, then build to it.',
  react:
    'check that state lives in one place and that effects list their dependencies; React DevTools shows what re-renders and why.',
  component:
    'split it into a small presentational component and a container that holds the state, and test the presentational one alone.',
  form: 'use controlled inputs with a single validation schema (zod) shared by client and server, and show errors next to the field.',
  html: 'validate the markup and check semantic elements and labels first; many "style" bugs are structure bugs.',
  accessibility:
    'run axe or Lighthouse, give every input a label and every button a name, and try the page with the keyboard only.',
  browser: 'reproduce it in a private window with the cache disabled and read the console and network tabs.',
  tests:
    'run the failing test alone in verbose mode, print the actual value next to the expected one, and check for shared state between tests.',
  testing:
    'write the smallest failing test that reproduces the problem first; it narrows the search and stays as a regression test.',
  flaky:
    'look for timing assumptions: replace sleeps with waiting for the condition, and give every test its own data.',
  regression:
    'bisect between the last good and the first bad commit (`git bisect run`) to find the change that broke it.',
  bug: 'write down the exact steps to reproduce, then bisect or add logging at each layer until the wrong value first appears.',
  debug:
    'add logging at the boundaries (input, output of each step) and find the first place where the value is wrong.',
  error:
    'read the first error in the log, not the last, and search the code for where that message is produced.',
  api: 'call the endpoint directly with curl to separate server from client problems, and check the status code and body.',
  endpoint: 'log the request and response at the server edge and compare them with what the client sends.',
  database:
    'run the query by hand with EXPLAIN, check the indexes, and keep each logical change in one transaction.',
  sql: 'run the statement by hand against a copy of the data and check it with EXPLAIN QUERY PLAN.',
  migration: 'make the migration idempotent, test it on a copy of production data, and keep a rollback path.',
  auth: 'decode the token and check its claims and expiry, then check which middleware rejects the request.',
  performance: 'measure before changing anything: profile the slow path and fix the biggest item first.',
  server: 'check the server logs around the failure time and confirm the configuration it actually loaded.',
  deploy:
    'deploy the same build to a staging environment first and compare its environment variables with production.',
  docker:
    'build the image with `--progress=plain --no-cache` to see the failing step, and run it with a shell to look inside.',
  ci: 'run the CI command locally in a clean checkout; most CI-only failures are missing files or different versions.',
  build: 'clear the build cache and rebuild from a clean checkout to rule out stale artefacts.',
  logs: 'raise the log level for that module, reproduce once, and read the lines around the first warning.',
  typescript:
    'read the first type error only and check the inferred types by hovering; fix the source type, not the symptom.',
  javascript: 'check for `undefined` coming from an async call that was not awaited.',
  git: 'look at `git log -p` for the files involved to see what changed recently.',
};

export class DeterministicResponder implements Responder {
  readonly kind = 'deterministic' as const;

  acknowledge({ task, ahead, seed }: AcknowledgeInput): string {
    const what = inSentence(task);
    if (ahead > 0) {
      const behind = ahead === 1 ? 'my current task' : `${ahead} tasks ahead of it`;
      return pick(
        [
          `Got it! I'll ${what} once I've finished ${behind} (queued, position ${ahead + 1}).`,
          `Sure — I'll ${what} after ${behind}; it's queued at position ${ahead + 1}.`,
        ],
        seed,
      );
    }
    return pick([`Got it! I'll ${what}.`, `On it! I'll ${what}.`, `Sure thing — I'll ${what}.`], seed);
  }

  async answer({ agent, from, text, intent, seed }: AnswerInput): Promise<string> {
    if (intent === 'smalltalk') {
      if (/(?<![\w'])(?:thanks|thank you|thx|cheers)(?![\w'])/i.test(text))
        return pick([`You're welcome, @${from}!`, `Any time, @${from}.`], seed);
      return pick(
        [
          `Hi @${from}! I'm ${agent.name}, ${describeRole(agent.role)}. Give me a task (e.g. "@${agent.name} please fix the tests") and I'll get on it.`,
          `Hello @${from}! ${agent.name} here, ${describeRole(agent.role)}. Ask me to build or fix something, or ask "@${agent.name} status?".`,
        ],
        seed,
      );
    }
    const topics = expertiseFor(agent.role).slice(0, 5).join(', ');
    return pick(
      [
        `Good question, @${from}. As ${describeRole(agent.role)} I can dig into it (${topics}). If you want me to work on it, ask me to do it, e.g. "@${agent.name} please investigate this".`,
        `@${from}, I'd look at it from the ${agent.role} side (${topics}). Want me to take it on? Say "@${agent.name} please …" and I'll start a task.`,
      ],
      seed,
    );
  }

  async suggest({ agent, stuckAgent, matches, seed }: SuggestInput): Promise<string> {
    const keyword = matches.find((m) => TIPS[m]) ?? expertiseFor(agent.role).find((m) => TIPS[m]);
    const tip = keyword ? TIPS[keyword] : TIPS.debug;
    const about = keyword ? `For the ${keyword.length <= 3 ? keyword.toUpperCase() : keyword} part: ` : '';
    const opener = pick(['Suggestion', 'Try this', 'One idea'], seed);
    return `@${stuckAgent} ${opener} from ${agent.name} (${agent.role}): ${about}${tip}`;
  }
}
