import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { optionsTable } from '@runnerly/service-config';
import { PLANS_OPTIONS } from '../src/index.js';

test('the README lists every option as the option table does', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(optionsTable(PLANS_OPTIONS)), 'regenerate the configuration table of packages/plans/README.md');
});
