import { describe, expect, it } from 'vitest';
import { detectIntent, extractTaskDescription } from '../../../src/server/agents/intent';
import { matchingExpertise, roleKey } from '../../../src/server/agents/roles';

describe('intent detection', () => {
  it.each([
    ['@alice please add a login form', 'task'],
    ['@alice can you fix the tests', 'task'],
    ['@alice Add a README section, thanks', 'task'],
    ['hey @alice, could you review the PR please?', 'task'],
    ['@alice status?', 'status'],
    ['@alice what are you working on', 'status'],
    ["@alice how's it going?", 'status'],
    ['@alice how do I fix the tests?', 'question'],
    ['@alice what is the address format?', 'question'],
    ['@alice hi!', 'smalltalk'],
    ['@alice thanks', 'smalltalk'],
  ])('%s -> %s', (text, intent) => {
    expect(detectIntent(text, 'alice')).toBe(intent);
  });

  it('matches whole words only: "address" is not "add", "don\'t" is not "do"', () => {
    expect(detectIntent('@alice address book looks nice', 'alice')).toBe('smalltalk');
    expect(detectIntent("@alice don't worry about it", 'alice')).toBe('smalltalk');
    expect(detectIntent('@alice do the release notes', 'alice')).toBe('task');
    expect(detectIntent('@alice the fixture is flaky', 'alice')).toBe('smalltalk');
  });
});

describe('task description', () => {
  it.each([
    ['@alice please add a login form', 'add a login form'],
    ['@alice can you fix the tests?', 'fix the tests'],
    ["hey @alice, could you review @bob's PR please?", "review @bob's PR"],
    ['@Alice-bot: write docs for the API. Thanks!', 'write docs for the API'],
    [
      '@alice @bob please add "Sign in" to the header (not the footer)',
      'add "Sign in" to the header (not the footer)',
    ],
    ['please @alice refactor the auth module', 'refactor the auth module'],
  ])('%s -> %s', (text, description) => {
    expect(extractTaskDescription(text, 'alice')).toBe(description);
  });
});

describe('roles', () => {
  it('maps role spellings to one key and finds expertise on word boundaries', () => {
    expect(roleKey('FS-developer')).toBe('fs-developer');
    expect(roleKey('Full Stack')).toBe('fs-developer');
    expect(matchingExpertise('designer', "I'm stuck with this CSS issue")).toEqual(['css']);
    expect(matchingExpertise('designer', 'the cssx file')).toEqual([]);
    expect(matchingExpertise('tester', 'two tests fail')).toContain('tests');
    expect(matchingExpertise('astronomer', 'a bug in the astronomer view')).toEqual(['bug', 'astronomer']);
  });
});
