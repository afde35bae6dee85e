import { ConfigError } from '@treesynth/core';
import { PAGE_SCRIPT } from './_page-script.js';
import { PAGE_STYLE } from './_page-style.js';
import { type PageData, pageData } from './_plot-data.js';
import { inlineScript, plotlyBundle } from './_plotly-source.js';
import { escapeHtml, serializeJsonForHtml } from './escape-html.js';
import type { MetricDirection, ReportInput, ReportMetricTable } from './report-input.js';

const pageScript = inlineScript(PAGE_SCRIPT);

/**
 * The report as one self-contained HTML page: plotly.js is inlined, nothing is loaded from the
 * network, and a Content-Security-Policy lets only the page's own two scripts run (by hash; plotly's WebGL code
 * needs `'unsafe-eval'`). Every
 * string from the input is escaped; the plot data travels as a JSON block read with `JSON.parse`.
 * Deterministic: the same input gives the same page.
 */
export function renderReport(input: ReportInput): string {
  const data = pageData(input);
  checkMetricTable(input.metrics);
  const plotly = plotlyBundle();
  const csp = [
    "default-src 'none'",
    // 'unsafe-eval': plotly's WebGL scatter compiles its shaders' glue code with `Function`. Only the
    // two hashed scripts can run, and neither evaluates strings taken from the data.
    `script-src ${plotly.hash} ${pageScript.hash} 'unsafe-eval'`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    'font-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = input.simulated ? `[simulated] ${input.title}` : input.title;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="TreeSynth-TS">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}${input.simulated ? '<span class="badge">SIMULATED</span>' : ''}</h1>
<p class="subtitle">Generated ${escapeHtml(formatTime(input.generatedAt))} · ${plural(input.datasets.length, 'dataset')} · plotly.js ${escapeHtml(plotly.version)} inlined (works offline)</p>
${input.simulated ? simulatedBanner() : ''}
${summary(input)}
</header>
<main class="grid">
${cards(input, data)}
</main>
<footer>TreeSynth-TS diversity report. Hover a point to read its sample; drag to zoom, double-click to reset.</footer>
<script type="application/json" id="report-data">${serializeJsonForHtml(data)}</script>
<script>${plotly.text}</script>
<script>${pageScript.text}</script>
</body>
</html>
`;
}

function simulatedBanner(): string {
  return `<div class="banner" role="note"><strong>Simulated data.</strong> These samples come from the offline mock models, not from a real language model: the numbers show how the pipeline behaves, not how diverse real output would be.</div>`;
}

function summary(input: ReportInput): string {
  const items = input.datasets.map(
    (dataset) =>
      `<li>${escapeHtml(dataset.name)}: <span class="value">${plural(dataset.samples ?? dataset.texts.length, 'sample')}</span></li>`,
  );
  const leaves = input.leafSizes?.length ?? leafCount(input);
  if (leaves !== undefined) items.push(`<li>leaves: <span class="value">${formatCount(leaves)}</span></li>`);
  if (input.klDivergence !== undefined) {
    items.push(`<li>KL divergence: <span class="value">${formatNumber(input.klDivergence)}</span></li>`);
  }
  return items.length > 0 ? `<ul class="summary">${items.join('')}</ul>` : '';
}

function leafCount(input: ReportInput): number | undefined {
  if (!input.tree) return undefined;
  const parentIds = new Set(input.tree.nodes.map((node) => node.parentId));
  return input.tree.nodes.filter((node) => !parentIds.has(node.id)).length;
}

function card(title: string, hint: string, body: string, wide = false): string {
  return `<section class="card${wide ? ' wide' : ''}"><h2>${title}</h2><p class="hint">${hint}</p>${body}</section>`;
}

function plot(id: string, short = false): string {
  return `<div class="plot${short ? ' short' : ''}" id="${id}"></div>`;
}

function cards(input: ReportInput, data: PageData): string {
  const sections: string[] = [];
  if (data.scatter.length > 0) {
    sections.push(
      card(
        't-SNE by dataset',
        'One point per sample, placed by t-SNE of its embedding. Hover for the text and leaf path.',
        plot('plot-by-dataset'),
      ),
    );
  }
  if (data.branches.length > 0) {
    sections.push(
      card(
        't-SNE by first-level branch',
        'The same points, coloured by the branch of the tree they were generated under.',
        plot('plot-by-branch'),
      ),
    );
  }
  if (data.sunburst) {
    sections.push(
      card(
        'Partition tree',
        'Slices sized by samples. Click a slice to zoom in, the centre to zoom out.',
        plot('plot-sunburst'),
      ),
    );
  }
  if (data.leafSizes) {
    sections.push(card('Leaf sizes', 'How many samples each leaf holds.', plot('plot-leaf-sizes', true)));
  }
  if (data.beforeAfter) {
    sections.push(
      card('Balancing', 'Samples per leaf before and after balancing.', plot('plot-balance', true)),
    );
  }
  sections.push(
    card(
      'Diversity metrics',
      'Arrows say which way is more diverse; the most diverse value in each row is in green.',
      metricTable(input.metrics),
      true,
    ),
  );
  if (input.notes && input.notes.length > 0) {
    const items = input.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
    sections.push(card('Notes', '', `<ul class="notes">${items}</ul>`, true));
  }
  return sections.join('\n');
}

function checkMetricTable(table: ReportMetricTable): void {
  table.rows.forEach((row, index) => {
    if (row.values.length !== table.columns.length) {
      throw new ConfigError({
        path: `metrics.rows[${index}].values`,
        message: `has ${row.values.length} values for ${table.columns.length} columns`,
      });
    }
  });
}

const ARROWS: Record<MetricDirection, string> = {
  'lower is more diverse': '↓',
  'higher is more diverse': '↑',
};

/** Index of the most diverse value in a row, when the direction is known and two values compare. */
function bestIndex(values: readonly (number | null)[], direction: MetricDirection | undefined): number {
  if (!direction) return -1;
  let best = -1;
  let finite = 0;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) return;
    finite++;
    const current = values[best];
    if (
      best === -1 ||
      (current !== null &&
        current !== undefined &&
        (direction === 'lower is more diverse' ? value < current : value > current))
    ) {
      best = index;
    }
  });
  return finite >= 2 ? best : -1;
}

function metricTable(table: ReportMetricTable): string {
  if (table.rows.length === 0) return '<p class="missing">No metrics were computed.</p>';
  const head = table.columns.map((column) => `<th class="number" scope="col">${escapeHtml(column)}</th>`);
  const rows = table.rows.map((row) => {
    const best = bestIndex(row.values, row.direction);
    const cells = row.values.map((value, index) => {
      const text =
        value === null || !Number.isFinite(value) ? '<span class="missing">—</span>' : formatNumber(value);
      return `<td class="number${index === best ? ' best' : ''}">${text}</td>`;
    });
    const description = row.description
      ? `<div class="metric-description">${escapeHtml(row.description)}</div>`
      : '';
    const direction = row.direction ? `${ARROWS[row.direction]} ${escapeHtml(row.direction)}` : '';
    return `<tr><th scope="row"><div class="metric-name">${escapeHtml(row.name)}</div>${description}</th><td class="direction">${direction}</td>${cells.join('')}</tr>`;
  });
  return `<div class="table-scroll"><table class="metrics"><thead><tr><th scope="col">Metric</th><th scope="col">Direction</th>${head.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

/** Integers with thousands separators; others to four significant digits; tiny and huge in exponent form. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (size !== 0 && (size < 1e-3 || size >= 1e9)) return value.toExponential(2);
  if (Number.isInteger(value)) return formatCount(value);
  return String(Number(value.toPrecision(4)));
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function formatTime(time: Date | string): string {
  if (typeof time === 'string') return time;
  return Number.isNaN(time.getTime()) ? 'at an unknown time' : time.toISOString();
}
