/**
 * axe-core in the e2e tests: injects node_modules/axe-core into a page (through page.evaluate,
 * which the page's Content-Security-Policy does not apply to) and runs the WCAG 2.0/2.1 A and AA
 * rules. `expectNoViolations` fails with every violation named (rule, impact, nodes, the fix axe
 * suggests), so a failing run says what to change.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { repoPath } from '../../web/engine/testing/fixtures.ts';

/** The rules checked: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let source: string | null = null;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe on the page (injected once per document): the violations and how many rules passed. */
export async function axeRun(page: Page): Promise<{ violations: Violation[]; passed: number }> {
  source ??= readFileSync(repoPath('node_modules/axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(source);
  return page.evaluate(async (tags) => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Violation[]; passes: unknown[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target as string[], failureSummary: n.failureSummary })) })),
      passed: r.passes.length,
    };
  }, WCAG_TAGS);
}

/** One line per violation and node, for assertion messages and logs. */
export function describeViolations(vs: Violation[]): string {
  return vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`).join('\n')).join('\n');
}

/** Fails when axe finds any WCAG 2.0/2.1 A or AA violation in the page's current state. */
export async function expectNoViolations(page: Page, state: string): Promise<void> {
  const { violations: vs, passed } = await axeRun(page);
  assert.equal(vs.length, 0, `axe-core: ${vs.length} WCAG A/AA violation(s) in state "${state}":\n${describeViolations(vs)}`);
  // A run that checked nothing would also find nothing.
  assert.ok(passed >= 10, `axe-core checked only ${passed} rules in state "${state}"`);
  console.log(`axe-core, ${state}: 0 violations, ${passed} WCAG A/AA rules passed`);
}
