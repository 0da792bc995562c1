// vitest's JUnit reporter, with one fix the gate needs: a test skipped while it
// ran (an inconclusive scenario calls ctx.skip) is written as <skipped> with
// its reason. vitest's own writer marks only tests declared skipped, so such a
// test would read as a pass in JUnit; an inconclusive run is never a pass.
import { readFile, writeFile } from 'node:fs/promises';
import { JUnitReporter } from 'vitest/node';
import type { TestModule } from 'vitest/node';

type Task = { type: string; mode: string; result?: { state?: string; note?: string }; tasks?: Task[] };

export default class HarnessJUnitReporter extends JUnitReporter {
  override async onTestRunEnd(testModules: ReadonlyArray<TestModule>, ...rest: unknown[]): Promise<void> {
    for (const m of testModules) for (const t of flatten((m as unknown as { task: Task }).task)) markRuntimeSkip(t);
    await (super.onTestRunEnd as (...a: unknown[]) => Promise<void>).call(this, testModules, ...rest);
    const file = (this as unknown as { reportFile?: string }).reportFile;
    if (file) await writeFile(file, withSkipMessages(await readFile(file, 'utf8')));
  }
}

/** A test that ended skipped while it was set to run: report it as skipped. */
export function markRuntimeSkip(t: Task): void {
  if (t.type === 'test' && t.mode === 'run' && t.result?.state === 'skip') t.mode = 'skip';
}

/**
 * `<skipped/>` of a test that carries an "inconclusive" annotation (a
 * <property name="inconclusive">) gets that reason as its message.
 */
export function withSkipMessages(xml: string): string {
  return xml.replace(/<testcase\b[^>]*>[\s\S]*?<\/testcase>/g, (tc) => {
    const reason = /<property name="inconclusive" value="([^"]*)"/.exec(tc)?.[1];
    return reason === undefined ? tc : tc.replace(/<skipped\/>/, `<skipped message="${reason}"/>`);
  });
}

function flatten(t: Task): Task[] {
  return [t, ...(t.tasks ?? []).flatMap(flatten)];
}
