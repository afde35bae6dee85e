import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  escapePlotlyText,
  HOVER_TEXT_LIMIT,
  type PageData,
  truncateText,
  wrapPlotlyText,
} from './_plot-data.js';
import { inlineScript, plotlyBundle } from './_plotly-source.js';
import { HOSTILE, hostileReportInput } from './_test-fixture.js';
import { formatNumber, renderReport } from './render-report.js';
import type { ReportInput } from './report-input.js';
import { writeReport } from './write-report.js';

const input = hostileReportInput({ points: 300 });
const html = renderReport(input);

function dataBlock(page: string): { raw: string; data: PageData } {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page);
  if (!match?.[1]) throw new Error('no data block');
  return { raw: match[1], data: JSON.parse(match[1]) as PageData };
}

function scripts(page: string): string[] {
  return [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
}

/** What plotly shows for a hover string: our tags become line breaks or nothing, entities decode. */
function shownText(plotlyText: string): string {
  return plotlyText
    .replace(/<br>/g, ' ')
    .replace(/<\/?b>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function withInput(change: (copy: ReportInput) => void): ReportInput {
  const copy = hostileReportInput({ points: 30 });
  change(copy);
  return copy;
}

describe('renderReport: escaping', () => {
  it('puts no untrusted string into the page unescaped', () => {
    // Plotly's own source mentions tags in strings; everything else must be free of them.
    const page = html.replace(plotlyBundle().text, '');
    for (const text of Object.values(HOSTILE)) expect(page).not.toContain(text);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<a href');
  });

  it('has exactly its own three script elements', () => {
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    expect(html).toMatch(/<script type="application\/json" id="report-data">/);
  });

  it('escapes the title, headings, table cells and notes as HTML', () => {
    expect(html).toContain(
      '<title>[simulated] Diversity: TreeSynth vs baseline &lt;/script&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt;</title>',
    );
    expect(html).toContain(
      '<th class="number" scope="col">TreeSynth &lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;</th>',
    );
    expect(html).toContain(
      '<div class="metric-name">hostile &lt;script&gt;window.__pwned=1&lt;/script&gt;</div>',
    );
    expect(html).toContain('<li>note &lt;!-- &lt;script&gt; window.__pwned=4 &lt;/script&gt;</li>');
    expect(html).toContain(
      'TreeSynth &lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;: <span class="value">300 samples',
    );
  });

  it('keeps the data block free of markup and round-trips it', () => {
    const { raw, data } = dataBlock(html);
    expect(raw).not.toMatch(/[<>&\u2028\u2029]/);
    expect(data.scatter).toHaveLength(2);
    expect(data.scatter[0]?.x).toHaveLength(300);
    expect(data.scatter[1]?.y).toHaveLength(200);
  });

  it('escapes hover text, legend names and sunburst labels for plotly', () => {
    const { data } = dataBlock(html);
    const strings = [
      ...data.scatter.flatMap((trace) => [trace.name, ...trace.hover]),
      ...data.branches.map((group) => group.name),
      ...(data.sunburst?.labels ?? []),
      ...(data.sunburst?.hover ?? []),
    ];
    for (const text of strings) {
      // The only markup left is ours: bold and line breaks.
      expect(text.replace(/<\/?b>|<br>/g, '')).not.toMatch(/[<>]/);
      expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    }
    const hover = data.scatter[0]?.hover ?? [];
    const values = Object.values(HOSTILE);
    values.forEach((text, index) => {
      const shown = shownText(hover[index] ?? '');
      expect(shown).toContain(text.replace(/\s+/g, ' '));
      expect(shown).toContain(input.datasets[0]?.leafPaths?.[index]);
    });
    expect(data.sunburst?.labels).toContain('&lt;img src=x onerror="window.__pwned=2"&gt;');
  });

  it('truncates long sample text on hover', () => {
    const long = `${'word '.repeat(100)}<script>`;
    const page = renderReport(withInput((copy) => (copy.datasets[0]!.texts as string[]).splice(20, 1, long)));
    const hover = dataBlock(page).data.scatter[0]?.hover[20] ?? '';
    const body = shownText(hover.slice(hover.indexOf('<br>') + 4));
    expect(Array.from(body).length).toBeLessThanOrEqual(HOVER_TEXT_LIMIT + 10);
    expect(body.endsWith('…')).toBe(true);
    expect(hover).not.toContain('<script');
  });
});

describe('renderReport: scripts and policy', () => {
  const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';

  it('allows exactly its own inline scripts, by hash, and no remote loads', () => {
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'none'");
    const scriptSource = /script-src ([^;]+)/.exec(policy)?.[1] ?? '';
    expect(scriptSource).not.toContain('unsafe-inline');
    expect(scriptSource).not.toMatch(/https?:|\*/);
    const inline = scripts(html);
    expect(inline).toHaveLength(2);
    for (const text of inline) {
      const hash = createHash('sha256').update(text, 'utf8').digest('base64');
      expect(scriptSource).toContain(`'sha256-${hash}'`);
    }
  });

  it('inlines the whole plotly bundle', () => {
    const plotly = plotlyBundle();
    expect(plotly.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(scripts(html)[0]).toBe(plotly.text);
    expect(plotly.text.length).toBeGreaterThan(1_000_000);
    expect(plotly.text.toLowerCase()).not.toContain('</script');
  });

  it('makes script text safe to inline', () => {
    const script = inlineScript('const a = "</script>", b = "</SCRIPT >";');
    expect(script.text).toBe('const a = "<\\/script>", b = "<\\/SCRIPT >";');
    expect(script.hash).toBe(`'sha256-${createHash('sha256').update(script.text).digest('base64')}'`);
    expect(() => inlineScript('const a = "<!--", b = "<script>";')).toThrow(/cannot be inlined/);
    expect(inlineScript('const a = "<!-- -->";').text).toBe('const a = "<!-- -->";');
  });

  it('is deterministic', () => {
    expect(renderReport(input)).toBe(html);
  });
});

describe('renderReport: content', () => {
  it('labels simulated data, and only simulated data', () => {
    expect(html).toContain('<span class="badge">SIMULATED</span>');
    expect(html).toContain('<strong>Simulated data.</strong>');
    const real = renderReport(hostileReportInput({ points: 30, simulated: false }));
    expect(real).not.toContain('SIMULATED');
    expect(real).not.toContain('Simulated data');
    expect(real).not.toContain('[simulated]');
  });

  it('has a card per figure and the metric table with direction hints', () => {
    for (const id of [
      'plot-by-dataset',
      'plot-by-branch',
      'plot-sunburst',
      'plot-leaf-sizes',
      'plot-balance',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
    const rows = html.match(/<tr><th scope="row">/g) ?? [];
    expect(rows).toHaveLength(input.metrics.rows.length);
    expect(html).toContain('↓ lower is more diverse');
    expect(html).toContain('↑ higher is more diverse');
    // Most diverse: lower cosine (0.2143) and higher Vendi (312.5); distinct-2 has one value only.
    expect(html).toContain('<td class="number best">0.2143</td><td class="number">0.4871</td>');
    expect(html).toContain('<td class="number best">312.5</td><td class="number">88.25</td>');
    expect(html).toContain(
      '<td class="number">0.731</td><td class="number"><span class="missing">—</span></td>',
    );
  });

  it('leaves out figures it has no data for', () => {
    const page = renderReport({
      title: 'metrics only',
      generatedAt: '2026-01-01',
      datasets: [{ name: 'a', texts: ['x'] }],
      metrics: { columns: ['a'], rows: [] },
    });
    expect(page).not.toMatch(/id="plot-/);
    expect(page).toContain('No metrics were computed.');
    expect(dataBlock(page).data).toMatchObject({
      scatter: [],
      branches: [],
      sunburst: null,
      leafSizes: null,
    });
  });

  it('sizes the sunburst by subtree totals', () => {
    const { data } = dataBlock(html);
    const sunburst = data.sunburst!;
    const total = input.tree!.nodes.reduce((sum, node) => sum + node.samples, 0);
    expect(total).toBe(300);
    expect(sunburst.values[0]).toBe(300);
    expect(sunburst.parents[0]).toBe('');
    sunburst.ids.forEach((id, index) => {
      const children = sunburst.parents.flatMap((parent, child) => (parent === id ? [child] : []));
      if (children.length === 0) return;
      const sum = children.reduce((accumulated, child) => accumulated + (sunburst.values[child] ?? 0), 0);
      expect(sunburst.values[index]).toBe(sum + (input.tree?.nodes[index]?.samples ?? 0));
    });
    expect(data.leafSizes).toHaveLength(20);
  });

  it('groups branches beyond the palette as other branches', () => {
    const page = renderReport(
      withInput((copy) => {
        const dataset = copy.datasets[0]!;
        copy.datasets[0] = { ...dataset, branch: dataset.texts.map((_, index) => `branch ${index}`) };
      }),
    );
    const branches = dataBlock(page).data.branches;
    expect(branches).toHaveLength(20);
    expect(branches[19]?.name).toBe('11 other branches');
    expect(branches.reduce((sum, group) => sum + group.point.length, 0)).toBe(30);
  });
});

describe('renderReport: invalid input', () => {
  const cases: [string, (copy: ReportInput) => void, string][] = [
    ['points', (copy) => (copy.datasets[0]!.points!.y as number[]).pop(), 'datasets[0].points.y'],
    ['leaf paths', (copy) => (copy.datasets[0]!.leafPaths as string[]).pop(), 'datasets[0].leafPaths'],
    ['metric values', (copy) => (copy.metrics.rows[0]!.values as number[]).push(1), 'metrics.rows[0].values'],
    ['duplicate node', (copy) => ((copy.tree!.nodes[2] as { id: string }).id = 'root'), 'tree.nodes[2].id'],
    [
      'dangling parent',
      (copy) => ((copy.tree!.nodes[1] as { parentId: string }).parentId = 'nowhere'),
      'tree.nodes[1].parentId',
    ],
    [
      'cycle',
      (copy) => ((copy.tree!.nodes[0] as { parentId: string }).parentId = copy.tree!.nodes[1]!.id),
      'tree.nodes',
    ],
    [
      'negative size',
      (copy) => (copy.beforeAfter!.after as number[]).splice(0, 1, -1),
      'beforeAfter.after[0]',
    ],
  ];
  it.each(cases)('names the field when %s do not fit', (_, change, path) => {
    const broken = withInput(change);
    let error: unknown;
    try {
      renderReport(broken);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).path).toBe(path);
  });
});

describe('text helpers', () => {
  it('escapes plotly text so entities show literally', () => {
    expect(escapePlotlyText('<b>&lt;</b>')).toBe('&lt;b&gt;&amp;lt;&lt;/b&gt;');
  });

  it('truncates by code points, never splitting a surrogate pair', () => {
    expect(truncateText('😀😀😀', 2)).toBe('😀…');
    expect(truncateText('abc', 3)).toBe('abc');
  });

  it('wraps words into escaped lines', () => {
    expect(wrapPlotlyText('aaa bbb <c>', 7)).toBe('aaa bbb<br>&lt;c&gt;');
    expect(wrapPlotlyText('abcdefghij', 4)).toBe('abcd<br>efgh<br>ij');
    expect(wrapPlotlyText(' a\n\tb ', 10)).toBe('a b');
  });

  it('formats metric values', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.00001234)).toBe('1.23e-5');
    expect(formatNumber(0)).toBe('0');
  });
});

describe('writeReport', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('writes the rendered page atomically, creating the folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'treesynth-report-'));
    folders.push(folder);
    const file = join(folder, 'nested', 'report.html');
    await writeReport(file, input);
    expect(await readFile(file, 'utf8')).toBe(html);
    expect(await readdir(join(folder, 'nested'))).toEqual(['report.html']);
  });
});
