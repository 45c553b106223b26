// Roles and the expertise keywords each one brings, used to decide who offers help with a stuck task.

const GENERAL = ['code', 'bug', 'docs', 'review', 'plan', 'refactor', 'debug', 'error', 'logs'];
const FRONTEND = [
  'frontend',
  'ui',
  'ux',
  'react',
  'css',
  'html',
  'layout',
  'component',
  'styling',
  'browser',
];
const BACKEND = ['backend', 'api', 'database', 'sql', 'server', 'endpoint', 'auth', 'performance', 'node'];

const EXPERTISE: Record<string, string[]> = {
  developer: [...GENERAL, 'typescript', 'javascript', 'python', 'tests', 'git', 'api'],
  'frontend-developer': [...FRONTEND, 'typescript', 'javascript', 'accessibility', 'form', 'tailwind'],
  'backend-developer': [...BACKEND, 'typescript', 'python', 'migration', 'cache', 'queue'],
  'fs-developer': [...FRONTEND, ...BACKEND, 'typescript', 'javascript', 'tests', 'deploy'],
  designer: [
    'design',
    'ui',
    'ux',
    'css',
    'layout',
    'color',
    'typography',
    'figma',
    'icons',
    'styling',
    'mockup',
  ],
  tester: ['tests', 'testing', 'qa', 'bug', 'regression', 'e2e', 'coverage', 'flaky', 'vitest', 'playwright'],
  devops: [
    'deploy',
    'docker',
    'ci',
    'pipeline',
    'nginx',
    'kubernetes',
    'server',
    'logs',
    'monitoring',
    'build',
  ],
};

/** Roles spelled differently that mean the same job. */
const ALIASES: Record<string, string> = {
  dev: 'developer',
  engineer: 'developer',
  frontend: 'frontend-developer',
  'front-end-developer': 'frontend-developer',
  backend: 'backend-developer',
  'back-end-developer': 'backend-developer',
  fullstack: 'fs-developer',
  'full-stack': 'fs-developer',
  'full-stack-developer': 'fs-developer',
  'fullstack-developer': 'fs-developer',
  qa: 'tester',
  ops: 'devops',
  sre: 'devops',
};

/** Canonical key for a role: lower case, spaces as dashes, aliases resolved ("FS-developer" -> "fs-developer"). */
export function roleKey(role: string): string {
  const key = role.trim().toLowerCase().replace(/\s+/g, '-');
  return ALIASES[key] ?? key;
}

/** Any other role string gets general expertise plus the words of the role itself. */
export function expertiseFor(role: string): string[] {
  const known = EXPERTISE[roleKey(role)];
  if (known) return known;
  const own = role
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2);
  return [...new Set([...GENERAL, ...own])];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Expertise keywords that occur in `text` as whole words (optionally plural), case-insensitive. */
export function matchingExpertise(role: string, text: string): string[] {
  return expertiseFor(role).filter((keyword) =>
    new RegExp(`(?<![\\w-])${escapeRegExp(keyword)}(?:s|es)?(?![\\w-])`, 'i').test(text),
  );
}

/** How a role reads in a sentence: "a frontend developer", "an FS developer". */
export function describeRole(role: string): string {
  const key = roleKey(role);
  const label = key === 'fs-developer' ? 'full-stack developer' : role.trim().replace(/-/g, ' ');
  return `${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;
}
