import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE, hostileReportInput } from './_test-fixture.js';
import { launchChromium } from './chromium.fixture.js';
import { writeReport } from './write-report.js';

const SCREENSHOT_COPY = '/tmp/treesynth-report-screenshot.png';

// The callbacks given to `page.evaluate` run in the browser. The package compiles without the DOM
// library, so these declarations describe the little of the DOM those callbacks use.
interface DomElement {
  textContent: string | null;
  firstChild: DomElement | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; top: number };
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
}
declare const document: DomElement & {
  title: string;
  body: DomElement;
  documentElement: DomElement;
  getElementById(id: string): DomElement | null;
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (event: { violatedDirective: string; blockedURI: string }) => void,
  ): void;
};
declare const window: { __pwned?: unknown; __policyViolations?: string[] };

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function launch(): Promise<Browser> {
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  return browser;
}

/** Page coordinates of a data point of the first trace of a 2-D plot. */
async function pointPosition(
  page: Page,
  plotId: string,
  x: number,
  y: number,
): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ plotId, x, y }) => {
      type Axis = { _offset: number; l2p: (value: number) => number };
      const element = document.getElementById(plotId) as unknown as DomElement & {
        _fullLayout: { xaxis: Axis; yaxis: Axis };
      };
      const box = element.getBoundingClientRect();
      const { xaxis, yaxis } = element._fullLayout;
      return { x: box.left + xaxis._offset + xaxis.l2p(x), y: box.top + yaxis._offset + yaxis.l2p(y) };
    },
    { plotId, x, y },
  );
}

describe('report in headless Chromium', () => {
  it('draws every figure offline, runs no injected script, and escapes hover text', {
    timeout: 240_000,
  }, async () => {
    const folder = await mkdtemp(join(tmpdir(), 'treesynth-report-browser-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const input = hostileReportInput({ points: 1200 });
    const totalPoints = input.datasets.reduce((sum, dataset) => sum + dataset.texts.length, 0);
    expect(totalPoints).toBe(2000);
    const file = join(folder, 'report.html');
    await writeReport(file, input);
    const url = pathToFileURL(file).href;

    const browser = await launch();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    page.on('dialog', (dialog) => {
      pageErrors.push(`dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.addInitScript(() => {
      window.__policyViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__policyViolations?.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });

    await page.goto(url);
    await page.waitForSelector('html[data-report-ready]', { state: 'attached', timeout: 120_000 });
    const state = await page.evaluate(() => ({
      ready: document.documentElement.getAttribute('data-report-ready'),
      pwned: window.__pwned,
      violations: window.__policyViolations,
      plots: document.querySelectorAll('.js-plotly-plot').length,
      mainSvgs: document.querySelectorAll('.main-svg').length,
      slices: document.querySelectorAll('#plot-sunburst g.slice').length,
      bars: document.querySelectorAll('#plot-leaf-sizes g.point').length,
      tableRows: document.querySelectorAll('table.metrics tbody tr').length,
      scatterTypes: [
        ...(document.getElementById('plot-by-dataset') as unknown as { data: { type: string }[] }).data,
      ].map((trace) => trace.type),
      webglCanvases: document.querySelectorAll('#plot-by-dataset canvas').length,
      noWebglMessage: (document.querySelector('main')?.textContent ?? '').includes('WebGL is not supported'),
      title: document.title,
      heading: document.querySelector('h1')?.firstChild?.textContent,
      firstMetricHeading: document.querySelectorAll('table.metrics thead th')[2]?.textContent,
      notes: [...document.querySelectorAll('ul.notes li')].map((item) => item.textContent),
      injected: document.querySelectorAll('body img, body a[href], main script, header script').length,
      banner: document.querySelector('.banner')?.textContent ?? '',
    }));
    expect(state.ready).toBe('true');
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(state.violations).toEqual([]);
    expect(state.pwned).toBeUndefined();
    expect(state.injected).toBe(0);
    // Offline: the page itself is the only thing loaded.
    expect(
      requests.filter((request) => !request.startsWith('data:') && !request.startsWith('blob:')),
    ).toEqual([url]);
    expect(state.plots).toBeGreaterThanOrEqual(4);
    expect(state.plots).toBe(5);
    expect(state.mainSvgs).toBeGreaterThan(0);
    expect(state.slices).toBeGreaterThan(20);
    expect(state.bars).toBeGreaterThan(0);
    expect(state.tableRows).toBe(input.metrics.rows.length);
    expect(state.scatterTypes).toEqual(['scattergl', 'scattergl']);
    expect(state.webglCanvases).toBeGreaterThan(0);
    expect(state.noWebglMessage).toBe(false);
    expect(state.title).toBe(`[simulated] ${input.title}`);
    expect(state.heading).toBe(input.title);
    expect(state.firstMetricHeading).toBe(input.metrics.columns[0]);
    expect(state.notes).toEqual(input.notes);
    expect(state.banner).toContain('Simulated data.');

    // Hover the hostile samples (placed apart at (45 + 3i, 45)): plotly must show them as text.
    const hostile = Object.values(HOSTILE);
    for (const index of [0, 1, 5, 6, 7]) {
      const position = await pointPosition(page, 'plot-by-dataset', 45 + 3 * index, 45);
      await page.mouse.move(position.x, position.y);
      const label = page.locator('#plot-by-dataset .hoverlayer .hovertext');
      await label.waitFor({ state: 'attached', timeout: 10_000 });
      const hover = await page.evaluate(() => {
        const layer = document.querySelector('#plot-by-dataset .hoverlayer');
        return {
          text: layer?.querySelector('.hovertext')?.textContent ?? '',
          markup: layer?.querySelectorAll('img, script, a, foreignObject').length ?? -1,
        };
      });
      expect(hover.text).toContain(hostile[index]);
      expect(hover.text).toContain(input.datasets[0]?.leafPaths?.[index]);
      expect(hover.markup).toBe(0);
      if (index === 1) {
        const shot = join(folder, 'report.png');
        await page.screenshot({ path: shot, fullPage: true });
        await copyFile(shot, SCREENSHOT_COPY);
      }
      await page.mouse.move(2, 2);
    }
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
