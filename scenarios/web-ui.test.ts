import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { PLAYGROUND_JOB, VERTEX } from '../config/job-spec.js';
import { submitJob, waitForJobRunning } from '../faults/job-operations.js';
import { launchChromium } from './harness/browser.js';
import { runScenario, type Scenario } from './harness/scenario.js';

// Playground operation 2, "Web UI": a person opens http://localhost:8081 and
// sees one TaskManager and the running job "Click Event Count". Here a real
// browser (Debian's Chromium, headless, driven by playwright-core) renders the
// Flink dashboard (an Angular app fed by the REST API), so this checks what
// the page shows, not what the REST API returns.

const JOB_NAME = 'Click Event Count';

describe('web ui', () => {
  test('the dashboard shows 1 TaskManager and the running job "Click Event Count"; screenshots saved', async () => {
    await runScenario('web-ui', {}, async (s) => {
      const submitted = await submitJob(s, PLAYGROUND_JOB, { via: 'cli' });
      await waitForJobRunning(s, submitted.jobId);

      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        const consoleErrors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') consoleErrors.push(m.text());
        });

        // ---- overview page ----
        const opened = Date.now();
        const response = await page.goto(`${s.cluster.webUiUrl}/#/overview`, { waitUntil: 'load', timeout: 60_000 });
        expect(response?.status(), 'HTTP status of the Web UI').toBe(200);
        const overview = await waitForText(s, page, 'overview', (text) => {
          const tm = /Task Managers\s*:?\s*(\d+)/i.exec(text);
          return tm !== null && text.includes(JOB_NAME) && /RUNNING/.test(text) ? { taskManagers: Number(tm[1]) } : undefined;
        });
        s.extra.webUiOverviewRenderMs = Date.now() - opened;
        expect(overview.taskManagers, 'task managers count on the overview page').toBe(1);
        // The running job list: one row with the job's name and RUNNING.
        const row = page.locator('tr', { hasText: JOB_NAME });
        await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
        expect(await row.first().innerText()).toMatch(/RUNNING/);
        await saveScreenshot(s, page, 'web-ui.png', 'screenshot');

        // ---- the job's page: every operator is a vertex of its own (chaining disabled) ----
        await row.first().click();
        await page.waitForURL(new RegExp(`#/job/(running/)?${submitted.jobId}`), { timeout: 30_000 });
        const vertices = [VERTEX.source, VERTEX.watermarks, VERTEX.counter, VERTEX.sink];
        await waitForText(s, page, 'job', (text) => (vertices.every((v) => text.includes(v)) && text.includes(submitted.jobId) ? true : undefined));
        // The job graph (dagre, SVG): one node per vertex of GET /jobs/<id>.
        const jobVertices = (await s.cluster.rest.job(submitted.jobId)).vertices.length;
        const nodes = page.locator('[flink-node]');
        await expect.poll(() => nodes.count(), { timeout: 30_000, message: 'job graph nodes drawn' }).toBe(jobVertices);
        // Drawn is not shown: the graph zooms to fit after layout; wait until every node is on screen.
        const viewport = page.viewportSize()!;
        const onScreen = async () => {
          const boxes = await Promise.all((await nodes.all()).map((n) => n.boundingBox()));
          s.extra.webUiGraphNodeBoxes = boxes;
          return boxes.filter((b) => b && b.width > 10 && b.x >= 0 && b.y >= 0 && b.x + b.width <= viewport.width && b.y + b.height <= viewport.height).length;
        };
        await expect.poll(onScreen, { timeout: 30_000, message: 'job graph nodes on screen' }).toBe(jobVertices);
        // The vertex table's record counts come from metrics: numbers, not "loading...".
        await waitForText(s, page, 'job-metrics', (text) => (/loading\.\.\./.test(text) ? undefined : true));
        await saveScreenshot(s, page, 'web-ui-job.png', 'screenshotJob');

        // ---- the TaskManagers page lists exactly one ----
        await page.goto(`${s.cluster.webUiUrl}/#/task-manager`, { waitUntil: 'load' });
        const registered = await s.cluster.rest.taskManagers();
        expect(registered).toHaveLength(1);
        await waitForText(s, page, 'task-manager', (text) => (text.includes(registered[0]!.id) ? true : undefined));
        await expect.poll(() => page.locator('tbody tr.ant-table-row').count(), { timeout: 30_000, message: 'TaskManager rows' }).toBe(1);
        await saveScreenshot(s, page, 'web-ui-taskmanagers.png', 'screenshotTaskManagers');

        s.extra.webUiConsoleErrors = consoleErrors.slice(0, 20);
      } finally {
        await browser.close();
      }
    });
  });
});

/** Polls the page's visible text until `match` finds what it wants (bounded); on timeout says what the page showed. */
async function waitForText<T>(s: Scenario, page: Page, what: string, match: (text: string) => T | undefined, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await page.evaluate(() => document.body.innerText).catch(() => text);
    const found = match(text);
    if (found !== undefined) return found;
    await page.waitForTimeout(500);
  }
  await saveScreenshot(s, page, `web-ui-${what}-timeout.png`, `screenshotTimeout_${what}`).catch(() => undefined);
  throw new Error(`Web UI ${what} page (${page.url()}) did not show what was expected within ${timeoutMs / 1000} s; it showed:\n${text.slice(0, 3_000)}`);
}

/** Saves a full-page PNG into the scenario's folder; records its path relative to the run dir in s.extra[key]. */
async function saveScreenshot(s: Scenario, page: Page, file: string, key: string): Promise<void> {
  const target = path.join(s.run.runDir, 'scenarios', `${s.name}-${s.images.release.version}`, file);
  await page.screenshot({ path: target, fullPage: true });
  expect((await stat(target)).size, `${file} written`).toBeGreaterThan(1_000);
  s.extra[key] = path.relative(s.run.runDir, target);
}
