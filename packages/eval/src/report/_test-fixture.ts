import { createRandom } from '@treesynth/core/internal';
import type { ReportInput, ReportTreeNode } from './report-input.js';

/** Untrusted strings that must show as text and never run, used throughout the report's tests. */
export const HOSTILE = {
  script: '<script>window.__pwned=1</script>',
  image: '<img src=x onerror="window.__pwned=2">',
  closeScript: '</script><script>window.__pwned=3</script>',
  comment: '<!-- <script> window.__pwned=4 </script>',
  separators: 'line\u2028separator\u2029paragraph & "quotes" \'single\'',
  link: '<a href="javascript:window.__pwned=5">click</a>',
  entity: '&lt;b&gt;not bold&lt;/b&gt; &amp;',
  plotly: '%{x} <b>bold?</b> <br> <span style="color:red">red?</span>',
} as const;

const TOPICS = ['algebra', 'geometry', 'number theory', 'probability', HOSTILE.image];
const LEVELS = ['easy', 'medium', 'hard', HOSTILE.script];

export interface FixtureOptions {
  /** Points in the first (TreeSynth) dataset; the baseline gets two thirds as many. */
  points?: number;
  simulated?: boolean;
}

/**
 * A run-and-baseline comparison with hostile strings everywhere: titles, names, labels, sample
 * texts, leaf paths, metric names and notes. The first dataset's samples 0 to 7 are the hostile
 * strings, placed apart from the rest at `(45 + 3i, 45)` so a test can hover them.
 */
export function hostileReportInput(options: FixtureOptions = {}): ReportInput {
  const random = createRandom('report-fixture');
  const count = options.points ?? 1200;
  const nodes: ReportTreeNode[] = [{ id: 'root', parentId: null, label: 'math problems', samples: 0 }];
  const leafIds: string[] = [];
  const leafPathById = new Map<string, string>();
  for (const topic of TOPICS) {
    const topicId = `root/${topic}`;
    nodes.push({ id: topicId, parentId: 'root', label: topic, samples: 0 });
    for (const level of LEVELS) {
      const leafId = `${topicId}/${level}`;
      nodes.push({ id: leafId, parentId: topicId, label: level, samples: 0 });
      leafIds.push(leafId);
      leafPathById.set(leafId, `topic: ${topic} > level: ${level}`);
    }
  }
  const hostile = Object.values(HOSTILE);
  const texts: string[] = [];
  const leafPaths: string[] = [];
  const branch: string[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const samplesByLeaf = new Map<string, number>();
  for (let index = 0; index < count; index++) {
    const leafId = leafIds[Math.floor(random() * leafIds.length)]!;
    const topicIndex = TOPICS.findIndex((topic) => leafId.startsWith(`root/${topic}/`));
    samplesByLeaf.set(leafId, (samplesByLeaf.get(leafId) ?? 0) + 1);
    texts.push(
      hostile[index] ??
        `Problem ${index}: ${'a long and winding sample text about '.repeat(1 + (index % 9))}${leafId}.`,
    );
    leafPaths.push(leafPathById.get(leafId)!);
    branch.push(TOPICS[topicIndex]!);
    if (index < hostile.length) {
      x.push(45 + 3 * index);
      y.push(45);
    } else {
      const angle = (2 * Math.PI * topicIndex) / TOPICS.length;
      x.push(18 * Math.cos(angle) + 7 * (random() + random() - 1));
      y.push(18 * Math.sin(angle) + 7 * (random() + random() - 1));
    }
  }
  for (const node of nodes) node.samples = samplesByLeaf.get(node.id) ?? 0;
  const baselineCount = Math.round((count * 2) / 3);
  const baseline = {
    name: `temperature sampling ${HOSTILE.script}`,
    texts: Array.from({ length: baselineCount }, (_, index) => `Baseline sample ${index} ${HOSTILE.image}`),
    points: {
      x: Float32Array.from({ length: baselineCount }, () => 10 * (random() + random() + random() - 1.5)),
      y: Float32Array.from({ length: baselineCount }, () => 10 * (random() + random() + random() - 1.5)),
    },
  };
  const leafSizes = leafIds.map((leafId) => samplesByLeaf.get(leafId) ?? 0);
  return {
    title: `Diversity: TreeSynth vs baseline ${HOSTILE.closeScript}`,
    generatedAt: new Date('2026-01-02T03:04:05.000Z'),
    simulated: options.simulated ?? true,
    datasets: [{ name: `TreeSynth ${HOSTILE.image}`, texts, leafPaths, branch, points: { x, y } }, baseline],
    tree: { nodes },
    beforeAfter: { before: leafSizes, after: leafSizes.map((size) => Math.max(size, 60)) },
    metrics: {
      columns: [`TreeSynth ${HOSTILE.image}`, 'baseline'],
      rows: [
        {
          name: 'mean pairwise cosine',
          description: 'the paper’s score',
          direction: 'lower is more diverse',
          values: [0.2143, 0.4871],
        },
        { name: 'Vendi score', direction: 'higher is more diverse', values: [312.5, 88.25] },
        { name: 'distinct-2', direction: 'higher is more diverse', values: [0.731, null] },
        { name: `hostile ${HOSTILE.script}`, description: HOSTILE.closeScript, values: [1, 2] },
      ],
    },
    notes: [`note ${HOSTILE.comment}`, HOSTILE.separators],
    klDivergence: 0.0412,
  };
}
