import { ConfigError } from '@treesynth/core';
import type { ReportInput, ReportPoints, ReportTree } from './report-input.js';

/** Longest sample text shown on hover, in characters (code points). */
export const HOVER_TEXT_LIMIT = 200;
const HOVER_LINE_WIDTH = 64;
const LEAF_PATH_LIMIT = 160;
const LABEL_LIMIT = 40;
/** Branches beyond this many share one colour, as "other branches". */
const BRANCH_COLOURS = 19;
/** Above this many points in all, scatters are drawn with WebGL (`scattergl`) where the browser has it. */
export const WEBGL_POINT_THRESHOLD = 1000;

/** What the page script turns into plotly figures; every string in it is already plotly-safe. */
export interface PageData {
  webglThreshold: number;
  /** One per dataset that has points. */
  scatter: { name: string; x: (number | null)[]; y: (number | null)[]; hover: string[] }[];
  /** Points by first-level branch: `dataset` indexes `scatter`, `point` the dataset's points. */
  branches: { name: string; dataset: number[]; point: number[] }[];
  sunburst: {
    ids: string[];
    parents: string[];
    labels: string[];
    values: number[];
    hover: string[];
    maxDepth: number;
  } | null;
  leafSizes: number[] | null;
  beforeAfter: { before: number[]; after: number[] } | null;
}

/**
 * Escape text that plotly draws (hover labels, legend entries, sunburst labels). Plotly turns a few
 * tags (`<b>`, `<br>`, `<a href>`, …) into markup and decodes `&lt;`, `&gt;` and `&amp;` for display,
 * so escaping these three shows the text exactly as written and never as markup.
 */
export function escapePlotlyText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cut to `limit` code points (never inside a surrogate pair), marking the cut with `…`. */
export function truncateText(text: string, limit: number): string {
  const characters = Array.from(text);
  return characters.length <= limit ? text : `${characters.slice(0, limit - 1).join('')}…`;
}

/** Plain text to plotly-safe lines of at most `width` characters, joined by `<br>`. */
export function wrapPlotlyText(text: string, width = HOVER_LINE_WIDTH): string {
  const words = text.split(/\s+/).filter((word) => word.length > 0);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    let rest = Array.from(word);
    while (rest.length > width) {
      if (line) lines.push(line);
      lines.push(rest.slice(0, width).join(''));
      line = '';
      rest = rest.slice(width);
    }
    const piece = rest.join('');
    if (!piece) continue;
    if (!line) line = piece;
    else if (Array.from(line).length + 1 + rest.length <= width) line = `${line} ${piece}`;
    else {
      lines.push(line);
      line = piece;
    }
  }
  if (line) lines.push(line);
  return lines.map(escapePlotlyText).join('<br>');
}

function label(text: string): string {
  return escapePlotlyText(truncateText(text, LABEL_LIMIT));
}

function plotNumber(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? Number(value.toPrecision(6)) : null;
}

function sizes(values: readonly number[], path: string): number[] {
  return values.map((value, index) => {
    if (!Number.isFinite(value) || value < 0) {
      throw new ConfigError({ path: `${path}[${index}]`, message: `must be a count ≥ 0, got ${value}` });
    }
    return value;
  });
}

function checkLength(length: number, expected: number, path: string): void {
  if (length !== expected) {
    throw new ConfigError({ path, message: `has ${length} entries, but the dataset has ${expected} texts` });
  }
}

function scatterOf(
  dataset: ReportInput['datasets'][number],
  points: ReportPoints,
  path: string,
): PageData['scatter'][number] {
  const count = dataset.texts.length;
  checkLength(points.x.length, count, `${path}.points.x`);
  checkLength(points.y.length, count, `${path}.points.y`);
  const name = escapePlotlyText(truncateText(dataset.name, 60));
  const hover = dataset.texts.map((text, index) => {
    const leafPath = dataset.leafPaths?.[index];
    const heading = leafPath
      ? `<b>${name}</b> · ${escapePlotlyText(truncateText(leafPath, LEAF_PATH_LIMIT))}`
      : `<b>${name}</b>`;
    return `${heading}<br>${wrapPlotlyText(truncateText(text, HOVER_TEXT_LIMIT))}`;
  });
  return {
    name: label(dataset.name),
    x: Array.from(points.x, plotNumber),
    y: Array.from(points.y, plotNumber),
    hover,
  };
}

function branchesOf(input: ReportInput, withPoints: number[]): PageData['branches'] {
  const members = new Map<string, { dataset: number[]; point: number[] }>();
  withPoints.forEach((datasetIndex, scatterIndex) => {
    const branch = input.datasets[datasetIndex]?.branch;
    if (!branch) return;
    branch.forEach((name, point) => {
      let group = members.get(name);
      if (!group) {
        group = { dataset: [], point: [] };
        members.set(name, group);
      }
      group.dataset.push(scatterIndex);
      group.point.push(point);
    });
  });
  const ordered = [...members.entries()].sort(
    ([nameA, a], [nameB, b]) => b.point.length - a.point.length || (nameA < nameB ? -1 : 1),
  );
  const named = ordered.slice(0, ordered.length > BRANCH_COLOURS + 1 ? BRANCH_COLOURS : ordered.length);
  const result = named.map(([name, group]) => ({ name: label(name || '(no branch)'), ...group }));
  const others = ordered.slice(named.length);
  if (others.length > 0) {
    result.push({
      name: `${others.length} other branches`,
      dataset: others.flatMap(([, group]) => group.dataset),
      point: others.flatMap(([, group]) => group.point),
    });
  }
  return result;
}

/** Subtree totals of a tree given as a parent-linked node list, checked for dangling parents and cycles. */
function sunburstOf(tree: ReportTree): PageData['sunburst'] {
  const { nodes } = tree;
  const indexById = new Map<string, number>();
  nodes.forEach((node, index) => {
    if (indexById.has(node.id)) {
      throw new ConfigError({ path: `tree.nodes[${index}].id`, message: 'repeats an earlier node id' });
    }
    indexById.set(node.id, index);
  });
  const children: number[][] = nodes.map(() => []);
  const parents: number[] = nodes.map((node, index) => {
    if (node.parentId === null) return -1;
    const parent = indexById.get(node.parentId);
    if (parent === undefined) {
      throw new ConfigError({ path: `tree.nodes[${index}].parentId`, message: 'names no node of the tree' });
    }
    children[parent]?.push(index);
    return parent;
  });
  nodes.forEach((node, index) => {
    if (!Number.isFinite(node.samples) || node.samples < 0) {
      throw new ConfigError({
        path: `tree.nodes[${index}].samples`,
        message: `must be a count ≥ 0, got ${node.samples}`,
      });
    }
  });
  // Pre-order from the roots; a node never reached sits on a cycle.
  const order: number[] = [];
  const depth = new Array<number>(nodes.length).fill(0);
  const stack = parents.flatMap((parent, index) => (parent === -1 ? [index] : []));
  while (stack.length > 0) {
    const index = stack.pop()!;
    order.push(index);
    for (const child of children[index] ?? []) {
      depth[child] = depth[index]! + 1;
      stack.push(child);
    }
  }
  if (order.length !== nodes.length) {
    throw new ConfigError({ path: 'tree.nodes', message: 'parent links form a cycle' });
  }
  const totals = nodes.map((node) => node.samples);
  for (let position = order.length - 1; position >= 0; position--) {
    const index = order[position]!;
    const parent = parents[index]!;
    if (parent !== -1) totals[parent]! += totals[index]!;
  }
  const all = totals.reduce((sum, total, index) => (parents[index] === -1 ? sum + total : sum), 0);
  if (all === 0) return null;
  const paths = new Array<string>(nodes.length).fill('');
  for (const index of order) {
    const parent = parents[index]!;
    const own = nodes[index]!.label;
    paths[index] = parent === -1 ? own : `${paths[parent]} > ${own}`;
  }
  const maxDepth = Math.max(...depth);
  return {
    ids: nodes.map((_, index) => `n${index}`),
    parents: parents.map((parent) => (parent === -1 ? '' : `n${parent}`)),
    labels: nodes.map((node) => label(node.label)),
    values: totals,
    hover: nodes.map((_, index) => {
      const total = totals[index]!;
      const share = ((100 * total) / all).toFixed(1);
      return `${wrapPlotlyText(truncateText(paths[index]!, 240))}<br><b>${total}</b> samples (${share}%)`;
    }),
    // Deep trees show four rings at a time; clicking a slice zooms into it.
    maxDepth: maxDepth + 1 > 4 ? 4 : -1,
  };
}

function leafSizesOf(tree: ReportTree): number[] {
  const parentIds = new Set(tree.nodes.map((node) => node.parentId));
  return tree.nodes.filter((node) => !parentIds.has(node.id)).map((node) => node.samples);
}

/** Check the input and turn it into the page's data block. */
export function pageData(input: ReportInput): PageData {
  const withPoints: number[] = [];
  const scatter: PageData['scatter'] = [];
  input.datasets.forEach((dataset, index) => {
    const path = `datasets[${index}]`;
    if (dataset.leafPaths) checkLength(dataset.leafPaths.length, dataset.texts.length, `${path}.leafPaths`);
    if (dataset.branch) checkLength(dataset.branch.length, dataset.texts.length, `${path}.branch`);
    if (!dataset.points) return;
    withPoints.push(index);
    scatter.push(scatterOf(dataset, dataset.points, path));
  });
  const leafSizes = input.leafSizes
    ? sizes(input.leafSizes, 'leafSizes')
    : input.tree
      ? leafSizesOf(input.tree)
      : null;
  return {
    webglThreshold: WEBGL_POINT_THRESHOLD,
    scatter,
    branches: branchesOf(input, withPoints),
    sunburst: input.tree ? sunburstOf(input.tree) : null,
    leafSizes: leafSizes && leafSizes.length > 0 ? leafSizes : null,
    beforeAfter: input.beforeAfter
      ? {
          before: sizes(input.beforeAfter.before, 'beforeAfter.before'),
          after: sizes(input.beforeAfter.after, 'beforeAfter.after'),
        }
      : null,
  };
}
