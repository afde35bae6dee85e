/**
 * Routing benchmark: how well and how fast the balance routers send existing samples to leaves.
 *
 * 1. Accuracy on MATH-500 (field `problem`, truth `subject`) routed into a tree whose first level is
 *    the seven MATH subjects (root split on `subject`, values fixed, children leaves). Per subject,
 *    a seeded pool of 10 problems is held out of the scored set for every k (430 scored problems);
 *    the k pivots of a subject are the first k of its pool, assigned to it. For each offline embedder
 *    (hashing at its default 1024 and at 4096 dimensions, glove-sif, use-lite, and hashing:4096 +
 *    use-lite + glove-sif combined) and k = 0, 3, 10:
 *      raw cosine, names          no centring or scaling; descriptions are the subject names only
 *      centred, names             the router's defaults (centring, standardising, Euclidean pivot term)
 *      centred, unscaled + desc.  centring without standardising, topics per subject in the descriptions
 *      centred + desc. (default)  the defaults with the topics (SUBJECT_DESCRIPTIONS)
 *      + self-training (hard EM)  the same, learning from the rows (selfTraining: 'hard-em' or true)
 *      + soft EM                  selfTraining: 'soft-em'
 *      + label spreading          selfTraining: 'label-spreading'
 *      + naive Bayes EM           selfTraining: 'naive-bayes-em' (a word model: routes texts, and
 *                                 decides alike with every embedder)
 *    mean ± standard deviation over --seeds pool draws (and the k=10 range), on the DEV half, the
 *    TEST half and all 430 scored problems. The halves are fixed by a seeded hash of each problem's
 *    unique_id (`isDev` below: 213 DEV, 217 TEST scored); design choices are made on DEV only
 *    (`--halves dev` prints DEV alone). Then an oracle diagnosis on DEV: what the rows' TRUE
 *    subjects give a leave-one-out nearest-centroid rule and a 10-nearest-neighbour vote in each
 *    embedder's space: the most that EM or spreading over the rows could reach there.
 * 2. Embedding throughput of each embedder (texts/s, MATH problems, after a warm-up).
 * 3. Routing throughput: --samples random vectors (embeddings given) through a deeper synthetic
 *    tree (8 x 6 values, then an infinite split of 20 values under each: 3 levels, 48 leaves).
 * 4. Hybrid vs LLM-only: LLM calls and accuracy on MATH-500 with the simulator (labelled simulated:
 *    the simulator picks the subject whose words overlap the problem most; it knows no truth), for
 *    the old fixed margin 0.05 and the calibrated share of each node's least certain decisions
 *    (10%, 20% the default, 40%). Measured: 0.05 sent 244-288 of 430 rows to the LLM; 20% sends 86.
 *
 * Measured (2 shared cores at load average 9-18, 10 draws; k=10, mean ± sd over draws):
 *   default router   DEV           TEST          all
 *   hashing          0.550 ± 0.014 0.528 ± 0.031 0.539 ± 0.019
 *   hashing:4096     0.568 ± 0.014 0.563 ± 0.019 0.566 ± 0.011
 *   glove-sif        0.394 ± 0.043 0.381 ± 0.052 0.388 ± 0.044
 *   use-lite         0.410 ± 0.020 0.415 ± 0.024 0.412 ± 0.018
 *   combined         0.581 ± 0.012 0.573 ± 0.033 0.577 ± 0.019
 * (docs/balance.md has k = 0 and 3, and the learning modes with every embedder: all lower.)
 * Learning from the rows (issue 13, target 0.60 at k=10 with the descriptions frozen). Ten variants
 * were tried, in this order, each judged on DEV only (hashing, k=10; the default is 0.550 ± 0.014):
 *    1. label spreading, α = 0.5, one-hot seeds: 0.550 ± 0.014 (changed no decision: a row's own
 *       seed outweighs its neighbours)
 *    2. soft EM (posteriors softmax(s/T), T the scores' spread; balanced priors): 0.435 ± 0.028
 *    3. label spreading, α = 0.99 (Zhou et al.'s value): 0.395 ± 0.086
 *    4. token-level TF-IDF: the hashing embedder with each feature weighted by its IDF over the 500
 *       problems (smooth IDF, sublinear tf), default router: 0.540 ± 0.015 (k=0: 0.492 vs 0.528)
 *    5. Mahalanobis pivot term in the rows' Ledoit–Wolf shrunk covariance (Σ*⁻¹): 0.448 ± 0.043
 *    6. every value's scores centred on their mean over the node's rows: 0.540 ± 0.026
 *    7. the pivot term in the metric Σ* itself (similarity through the rows): 0.542 ± 0.020
 *    8. every value's scores standardised over the node's rows: 0.542 ± 0.020
 *    9. Σ* on the descriptions and the pivot term (pseudo-relevance feedback): 0.505 ± 0.022
 *   10. Σ* on the descriptions only: 0.521 ± 0.023
 * None beat the default; 2 and 3 stay in the router as opt-in `selfTraining` modes (with hard EM),
 * 1 and 4-10 were removed (commit 19fd9f3 holds their code). Why: in hashing's space even the DEV
 * rows' true subjects give a leave-one-out nearest-centroid rule of only 0.54 and a 10-NN vote of
 * 0.57 (the oracle table), under or near what descriptions and pivots reach; whatever EM or
 * spreading learns from the rows' own structure is capped there, and their first decisions are
 * wrong where the subjects overlap, which learning reinforces. Reaching 0.60 needs a space or a
 * labeller that separates the subjects better (an LLM). What limits accuracy: 10 labelled pivots a
 * subject in a space where the subjects overlap (Prealgebra, Algebra and Intermediate Algebra differ
 * by difficulty more than by vocabulary), and offline encoders that know little mathematics
 * (feature hashing beats both neural ones; the descriptions carry much of the result, see the note
 * at SUBJECT_DESCRIPTIONS). This repository holds MATH-500 only: the held-out figures of issue 13
 * (the rest of the MATH test set, 0.507 / 0.525 / 0.546) and its supervised ceiling (0.72) cannot
 * be re-measured here.
 * Then a word-level model, outside the embedding space (issue 13 again; about 45 settings tried on
 * DEV in throwaway scripts, hashing, k=10, 10 draws; "it" = EM iterations, 0 = no EM):
 *   11. multinomial naive Bayes over words, seeded by descriptions (weight 1) and pivots, Laplace
 *       1, EM with λ = 1 (Nigam et al. 2000): 0.427 ± 0.052 at it 0, 0.409 at it 10; binary or
 *       damped counts, smoothing 0.1, EM-λ 0.1, hard EM, word bigrams: 0.43-0.54 at it 0, and EM
 *       adds at most 0.01 or loses (to 0.34); seeded by the router's decisions instead: 0.54-0.56
 *   12. softmax regression on pivots + descriptions (L2, words): 0.46-0.47 (with character 4-grams
 *       0.52), worse after balanced self-training (the rows it is surest of, 5 a subject a round)
 *   13. naive Bayes with the character 4-grams of every word as well: 0.55-0.57; the router's and
 *       its scores added (each to unit spread): 0.57-0.58
 *   14. + the descriptions counted κ = 5 times (the router's descriptionWeight, a description
 *       weighs as 5 pivots): 0.597 ± 0.025 at it 0, falling to 0.58 by EM; + the M step balanced
 *       (every subject's rows weigh the same in total): 0.601 ± 0.026 at it 10 (k=3 0.586, k=0
 *       0.565); with κ = 3 or 8: 0.595 / 0.608, EM-λ 0.1: 0.602, hard EM: 0.597
 *   15. + damped counts 1 + ln(count) (as the hashing embedder): 0.609 ± 0.033 (the mode
 *       'naive-bayes-em'; EM to convergence); with the hashing embedder's own features (3-5-grams
 *       and word bigrams too): 0.603 ± 0.033; seeded by the router's decisions: 0.568 ± 0.019.
 * Measured once on TEST (hashing, 10 draws, mean ± sd; default router in brackets):
 *   'naive-bayes-em'   k=0             k=3             k=10
 *   DEV                0.558 ± 0.016   0.585 ± 0.032   0.609 ± 0.033  (0.528 / 0.552 / 0.550)
 *   TEST               0.496 ± 0.012   0.542 ± 0.034   0.540 ± 0.031  (0.493 / 0.510 / 0.528)
 *   all                0.527 ± 0.011   0.564 ± 0.029   0.574 ± 0.028  (0.511 / 0.531 / 0.539)
 * So 0.60 on DEV but not on TEST: the DEV-TEST gap (0.07; the default's is 0.02) is most likely what
 * choosing among ~45 settings on 213 DEV rows buys, and most of the gain at k=10 comes from the word
 * model itself (it 0: 0.608), not from the rows (EM adds 0.02 at k=0, 0.01 at k=3, nothing at k=10).
 * It stays opt-in: on TEST it beats the default by 0.00-0.03, and it ignores the embedder and needs
 * the rows' texts.
 * Last, co-training the two views (Blum & Mitchell 1998; co-EM, Nigam & Ghani 2000), DEV only, in a
 * throwaway script (hashing, k=10, 10 draws): view A the router's node scores, view B the word model
 * of 15 without EM; each round a view's most confident rows (balanced, m a subject) join the other's
 * training set (A: as pivots; B: as labelled documents), the decision fixed in advance as the sum of
 * the two views' row-centred, RMS-scaled scores. Before any exchange that sum is 0.593 ± 0.029 (B
 * alone 0.608). 16. hard co-training, m = 5 / 2 / 1, 5-10 rounds: 0.534-0.548; 17. co-EM (soft labels
 * exchanged), A or B first: 0.543-0.544; 18. exchanged labels weighted 0.2 (co-training) or 0.1
 * (co-EM): 0.584 / 0.587 ± 0.026; 19. only rows both views agree on: 0.513; 20. one round, m = 5:
 * 0.573. Every exchange made both views worse; the rows a view is surest of teach the other nothing
 * even with their TRUE labels (A given B's top 20 a subject, truly labelled: 0.549; 20 ordinary rows
 * a subject, truly labelled: 0.589), and the labels exchanged are right only 0.65-0.77 of the time,
 * below the pivots. Nothing was built; TEST was not looked at.
 *
 * Prints tables, asserts nothing. Usage:
 *   node --conditions=@treesynth/source --import tsx benchmarks/balance/routing.ts
 *     [--seeds 10] [--samples 100000] [--use-lite-workers 2]
 *     [--embedders hashing,hashing:4096,glove-sif,use-lite,combined] [--accuracy-only]
 *     [--halves dev|all] [--variants LABEL-PART,...]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  combineEmbedders,
  createEmbeddingRouter,
  createHybridRouter,
  createRouter,
  type EmbeddingRouterOptions,
  type Route,
  type Router,
} from '@treesynth/balance';
import {
  BUILTIN_TASKS,
  type Embedder,
  type NodeSplit,
  PartitionTree,
  parseTask,
  type SampleFields,
  wrapEmbedder,
} from '@treesynth/core';
import { createRandom, MATH_SUBJECTS, ROOT_ID } from '@treesynth/core/internal';
import { createUseLiteEmbedder } from '@treesynth/embedders';
import { createEmbedder, createOpenAICompatible } from '@treesynth/providers';
import { startSimulator } from '@treesynth/simulator';

const { values: flags } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    samples: { type: 'string', default: '100000' },
    'use-lite-workers': { type: 'string', default: '2' },
    /** Which embedders' accuracy to measure (the LLM and hybrid section uses the first two and combined). */
    embedders: { type: 'string', default: 'hashing,hashing:4096,glove-sif,use-lite,combined' },
    /** Skip sections 3 and 4 (routing throughput, LLM and hybrid). */
    'accuracy-only': { type: 'boolean', default: false },
    /** `dev`: print accuracy on the DEV half only (for design choices); `all`: DEV, TEST and all. */
    halves: { type: 'string', default: 'all' },
    /** Only the accuracy variants whose label contains one of these (comma-separated). */
    variants: { type: 'string' },
  },
});
const SEEDS = Number(flags.seeds);
const THROUGHPUT_SAMPLES = Number(flags.samples);
const KS = [0, 3, 10];
const POOL = 10;

/**
 * The topics of each subject, in the words MATH problems use, written from what the subjects cover
 * (Hendrycks et al.; the AoPS course outlines). They go into the embedded descriptions only. Honest
 * note: this is the second version; the first, shorter one (one line of topics each) routed 0.51 at
 * k=10 with hashing, and this one was written after seeing that score (not the misrouted problems),
 * so the test set has informed it once.
 */
const SUBJECT_DESCRIPTIONS: Record<string, string> = {
  Algebra:
    'solve an equation for x; linear equations and systems of two equations in x and y; lines, slope, intercepts, midpoint and distance between points; quadratic equations, factoring, completing the square, the vertex of a parabola; evaluate f(x) and compositions f(g(x)), inverse functions, domain and range; exponents, radicals \\sqrt and rationalizing denominators; absolute value equations and linear inequalities; arithmetic and geometric sequences; interest, rates and work word problems',
  'Counting & Probability':
    "how many ways, how many different, how many distinct arrangements, orderings or outcomes; permutations and combinations, \\binom{n}{k}, factorials n!; probability that a randomly selected, chosen or rolled outcome occurs, express the probability as a common fraction; fair dice, coins flipped, cards drawn, marbles or balls from a bag, committees, teams, seating people around a table, lattice paths; expected value; Pascal's triangle; inclusion-exclusion and complementary counting",
  Geometry:
    'triangle \\triangle ABC, angle \\angle ABC in degrees, circles with center O, radius, diameter, circumference, arcs, chords, tangents and inscribed angles; area and perimeter of triangles, squares, rectangles, trapezoids, parallelograms, regular polygons and hexagons; similar and congruent triangles, right triangles, the Pythagorean theorem, hypotenuse, altitude, median; volume and surface area of cubes, boxes, prisms, cylinders, cones, pyramids and spheres; coordinates of vertices; figures drawn with [asy] draw label',
  'Intermediate Algebra':
    "let a, b, c be positive real numbers, find the minimum or maximum value; polynomials p(x) of degree 3 or 4, their real and complex roots r, s, t, Vieta's formulas, remainder when a polynomial is divided by x - a; complex numbers z with |z| and the complex plane; rational functions, partial fractions, asymptotes; logarithms \\log; ellipses, hyperbolas and parabolas with foci and directrix; functional equations f(x) + f(y) for all real numbers x and y; infinite series and sums \\sum, telescoping; floor \\lfloor and absolute value; sequences defined recursively",
  'Number Theory':
    'positive integers and divisibility, is divisible by, multiples; the remainder when n is divided by 7, modular arithmetic, congruences \\pmod{m}, modular inverses; prime numbers, prime factorization, number of positive divisors, sum of divisors, factors; greatest common divisor gcd and least common multiple lcm; numbers written in base 2, base 8 or base b, digits, the units digit, the sum of the digits; repeating decimals and terminating decimals; integer solutions',
  Prealgebra:
    'basic arithmetic: add, subtract, multiply and divide whole numbers, fractions, mixed numbers and decimals; percent of a number, percent increase, discounts and sales tax; ratios, rates, speed and proportions; simplify an expression, express the answer as a common fraction or decimal, round to the nearest tenth or whole number; mean, median, mode and average of a list of numbers, reading a chart; order of operations; one-step and two-step equations; perimeter and area of rectangles and squares, angles on a straight line; unit conversions of time, money, inches and feet; word problems about students in a class, ages, prices and counts; how many positive multiples less than 100; square roots of perfect squares',
  Precalculus:
    'trigonometry: compute \\sin, \\cos, \\tan, \\sec and \\csc of angles in degrees or radians \\theta, trigonometric identities and equations, arcsin, arccos, arctan; vectors \\mathbf{a}, \\mathbf{v}, dot and cross products, projection of a vector onto another, angle between vectors; matrices \\begin{pmatrix} \\end{pmatrix}, determinants, inverse matrices, rotation, reflection and dilation matrices; polar coordinates (r, \\theta), rectangular coordinates, cylindrical and spherical coordinates (\\rho, \\theta, \\phi); complex numbers in polar form e^{i\\theta}, roots of unity, De Moivre; parametric equations and curves; lines and planes in three-dimensional space',
};

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const problems = readFileSync(join(DATA, 'math/math500_test.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { problem: string; subject: string; unique_id: string });
/**
 * DEV or TEST half of a problem, fixed once: the first draw of `createRandom('routing-half:' +
 * unique_id)` below 0.5 is DEV. Design choices (which variant, which setting) are made on DEV only;
 * TEST is reported, never looked at to choose.
 */
const isDev = problems.map((problem) => createRandom(`routing-half:${problem.unique_id}`)() < 0.5);
const task = parseTask(BUILTIN_TASKS.math);

function table(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  for (const [index, row] of cells.entries()) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    );
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
  console.log();
}

/** Per subject, a seeded pool of POOL problem indices; the rest is the scored set. */
function drawPool(seed: number): { pool: Map<string, number[]>; scored: number[] } {
  const random = createRandom(`routing-benchmark:${seed}`);
  const pool = new Map<string, number[]>();
  for (const subject of MATH_SUBJECTS) {
    const members = problems.flatMap((problem, index) => (problem.subject === subject ? [index] : []));
    for (let index = members.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [members[index], members[other]] = [members[other]!, members[index]!];
    }
    pool.set(subject, members.slice(0, POOL));
  }
  const held = new Set([...pool.values()].flat());
  return { pool, scored: problems.map((_, index) => index).filter((index) => !held.has(index)) };
}

/** The subject tree: root split on `subject` (fixed), k pivots per subject, every child a leaf. */
function subjectTree(pool: Map<string, number[]>, k: number): PartitionTree {
  const tree = new PartitionTree();
  const pivots: SampleFields[] = [];
  const assignments = MATH_SUBJECTS.map((subject) => ({
    value: subject,
    pivots: pool
      .get(subject)!
      .slice(0, k)
      .map((index) => pivots.push({ problem: problems[index]!.problem }) - 1),
  }));
  const split: NodeSplit = {
    dimension: 'subject',
    values: [...MATH_SUBJECTS],
    infinite: false,
    fixed: true,
    pivots,
    assignments,
    coverageRounds: 0,
    rejections: [],
  };
  for (const child of tree.applySplit(ROOT_ID, split)) tree.markLeaf(child.id, 'max-depth');
  return tree;
}

/** Share of routes whose subject is right, over the scored problems that `keep` admits (all by default). */
function accuracy(
  routes: readonly Route[],
  scored: readonly number[],
  keep: (index: number) => boolean = () => true,
): number {
  let correct = 0;
  let counted = 0;
  routes.forEach((route, position) => {
    const index = scored[position]!;
    if (!keep(index)) return;
    counted++;
    if (route.path[0]?.value === problems[index]!.subject) correct++;
  });
  return correct / counted;
}

/** Every text's vector, in order, through core's one embedding path. */
async function embedAll(embedder: Embedder, values: string[]): Promise<Float32Array[]> {
  return (await wrapEmbedder({ embedder }).doEmbed({ values })).embeddings;
}

/** An embedder that remembers every vector, so each text is embedded once across all runs. */
function remembering(embedder: Embedder): Embedder {
  const memory = new Map<string, Float32Array>();
  return {
    ...embedder,
    specificationVersion: 'v1',
    provider: embedder.provider,
    modelId: embedder.modelId,
    maxEmbeddingsPerCall: embedder.maxEmbeddingsPerCall,
    async doEmbed({ values, signal }) {
      const missing = [...new Set(values.filter((value) => !memory.has(value)))];
      if (missing.length > 0) {
        const { embeddings } = await embedder.doEmbed({ values: missing, signal });
        missing.forEach((value, index) => {
          memory.set(value, embeddings[index]!);
        });
      }
      return { embeddings: values.map((value) => memory.get(value)!) };
    },
  };
}

const texts = problems.map((problem) => problem.problem);

const wanted = new Set(flags.embedders.split(','));
const withCombined = wanted.has('combined');
const useLite = createUseLiteEmbedder({ workers: Number(flags['use-lite-workers']) });
const base: [string, Embedder][] = (
  [
    ['hashing', createEmbedder('hashing')],
    ['hashing:4096', createEmbedder('hashing:4096')],
    ['glove-sif', createEmbedder('glove-sif')],
    ['use-lite', useLite],
  ] as [string, Embedder][]
).filter(([name]) => wanted.has(name) || (withCombined && name !== 'hashing'));

// 2. Embedding throughput (measured while embedding the problems once for everything below).
console.log(`# Embedding throughput (${texts.length} MATH-500 problems, after a 16-text warm-up)\n`);
const embedders: [string, Embedder][] = [];
const speedRows: (string | number)[][] = [];
for (const [name, embedder] of base) {
  const memo = remembering(embedder);
  await embedAll(
    memo,
    texts.slice(-16).map((text) => `${text} (warm-up)`),
  );
  const started = performance.now();
  await embedAll(memo, texts);
  const seconds = (performance.now() - started) / 1000;
  speedRows.push([`${name} (${embedder.modelId})`, (texts.length / seconds).toFixed(0), seconds.toFixed(2)]);
  embedders.push([name, memo]);
}
table(['embedder', 'texts/s', 'seconds'], speedRows);
const named = new Map(embedders);
if (withCombined) {
  const combined = combineEmbedders([
    { embedder: named.get('hashing:4096')!, weight: 1 },
    { embedder: named.get('use-lite')!, weight: 0.7 },
    { embedder: named.get('glove-sif')!, weight: 0.5 },
  ]);
  embedders.push(['combined (hashing:4096 1 + use-lite 0.7 + glove-sif 0.5)', combined]);
}

// 1. Accuracy.
const draws = Array.from({ length: SEEDS }, (_, seed) => drawPool(seed));
const majority =
  Math.max(
    ...MATH_SUBJECTS.map(
      (subject) => draws[0]!.scored.filter((index) => problems[index]!.subject === subject).length,
    ),
  ) / draws[0]!.scored.length;
console.log(
  `# Routing accuracy on MATH-500 into the 7 subjects (${draws[0]!.scored.length} scored problems; mean of ${SEEDS} pivot draws)\n`,
);
console.log(`majority class (Algebra) on the scored set: ${majority.toFixed(3)}\n`);
type Variant = [
  string,
  Pick<EmbeddingRouterOptions, 'centering' | 'standardize' | 'descriptions' | 'selfTraining'>,
];
const variants = (
  [
    ['raw cosine, names', { centering: 'none' }],
    ['centred, names', {}],
    ['centred, names + self-training (hard EM)', { selfTraining: true }],
    ['centred, unscaled + descriptions', { descriptions: SUBJECT_DESCRIPTIONS, standardize: false }],
    ['batch-mean centred + descriptions', { descriptions: SUBJECT_DESCRIPTIONS, centering: 'batch' }],
    ['centred + descriptions (default)', { descriptions: SUBJECT_DESCRIPTIONS }],
    [
      'centred + descriptions + self-training (hard EM)',
      { descriptions: SUBJECT_DESCRIPTIONS, selfTraining: true },
    ],
    ['centred + descriptions + soft EM', { descriptions: SUBJECT_DESCRIPTIONS, selfTraining: 'soft-em' }],
    [
      'centred + descriptions + label spreading',
      { descriptions: SUBJECT_DESCRIPTIONS, selfTraining: 'label-spreading' },
    ],
    [
      'descriptions + naive Bayes EM over the words',
      { descriptions: SUBJECT_DESCRIPTIONS, selfTraining: 'naive-bayes-em' },
    ],
  ] as Variant[]
).filter(([label]) => !flags.variants || flags.variants.split(',').some((part) => label.includes(part)));
const spread = (values: number[]) => {
  const average = values.reduce((total, value) => total + value, 0) / values.length;
  const deviation = Math.sqrt(
    values.reduce((total, value) => total + (value - average) ** 2, 0) / values.length,
  );
  return { average, deviation };
};
const devOnly = flags.halves === 'dev';
const halves: [string, (index: number) => boolean][] = [
  ['DEV', (index) => isDev[index]!],
  ...(devOnly
    ? []
    : ([
        ['TEST', (index) => !isDev[index]!],
        ['all', () => true],
      ] as [string, (index: number) => boolean][])),
];
const devCount = draws[0]!.scored.filter((index) => isDev[index]).length;
console.log(
  `halves (seeded hash of unique_id): DEV ${devCount}, TEST ${draws[0]!.scored.length - devCount} scored problems${devOnly ? ' (printing DEV only)' : ''}\n`,
);
const accuracyRows: (string | number)[][] = [];
const trainingRows: (string | number)[][] = [];
let best = { accuracy: 0, label: '', routes: [] as Route[], scored: [] as number[] };
const accuracyHeader = ['embedding router', 'half', ...KS.map((k) => `k=${k} mean ± sd`), 'k=10 range'];
for (const [name, embedder] of embedders.filter(([name]) => wanted.has(name.split(' ')[0]!))) {
  const vectors = await embedAll(embedder, texts);
  for (const [label, options] of variants) {
    const values = new Map(halves.map(([half]) => [half, KS.map((): number[] => [])]));
    for (const [position, k] of KS.entries()) {
      const training = { nodes: 0, rounds: 0, unconverged: 0 };
      for (const { pool, scored } of draws) {
        const router = createEmbeddingRouter({ tree: subjectTree(pool, k), task, embedder, ...options });
        // The word model reads the texts (embedded once: `remembering`); the others take the vectors.
        const routes =
          options.selfTraining === 'naive-bayes-em'
            ? await router.route(scored.map((index) => texts[index]!))
            : await router.routeEmbeddings(scored.map((index) => vectors[index]!));
        for (const [half, keep] of halves) values.get(half)![position]!.push(accuracy(routes, scored, keep));
        const trained = router.stats().selfTraining;
        if (trained) {
          training.nodes += trained.nodes;
          training.rounds += trained.rounds;
          training.unconverged += trained.unconverged;
        }
        const value = accuracy(routes, scored, halves[0]![1]);
        if (k === 10 && value > best.accuracy)
          best = { accuracy: value, label: `${name}: ${label}`, routes, scored };
      }
      if (training.nodes > 0)
        trainingRows.push([
          `${name}: ${label}`,
          k,
          (training.rounds / training.nodes).toFixed(1),
          `${training.unconverged}/${training.nodes}`,
        ]);
    }
    for (const [half] of halves) {
      const perK = values.get(half)!;
      const row: (string | number)[] = [`${name}: ${label}`, half];
      for (const list of perK) {
        const { average, deviation } = spread(list);
        row.push(`${average.toFixed(3)} ± ${deviation.toFixed(3)}`);
      }
      const last = perK.at(-1)!;
      row.push(`${Math.min(...last).toFixed(3)}-${Math.max(...last).toFixed(3)}`);
      accuracyRows.push(row);
      console.log(row.join('  ')); // as it comes; the table follows
    }
  }
}
console.log();
table(accuracyHeader, accuracyRows);

// What learning from the rows could reach in each space at best: the rows' TRUE subjects (an oracle,
// a diagnosis, not a router), DEV rows only, in the router's frame (centred and standardised over
// the DEV rows, unit length): leave-one-out nearest centroid (what EM over the rows converges to at
// best) and the majority of the 10 nearest DEV rows (what spreading over a 10-NN graph could reach).
const oracleRows: (string | number)[][] = [];
for (const [name, embedder] of embedders.filter(([name]) => wanted.has(name.split(' ')[0]!))) {
  const all = await embedAll(embedder, texts);
  const dev = problems.flatMap((_, index) => (isDev[index] ? [index] : []));
  const dimensions = all[0]!.length;
  const center = new Float64Array(dimensions);
  const squares = new Float64Array(dimensions);
  for (const index of dev) {
    const vector = all[index]!;
    const length = Math.hypot(...vector) || 1;
    for (let dim = 0; dim < dimensions; dim++) {
      center[dim]! += vector[dim]! / length / dev.length;
      squares[dim]! += (vector[dim]! / length) ** 2 / dev.length;
    }
  }
  const variance = center.map((value, dim) => squares[dim]! - value * value);
  const meanVariance = variance.reduce((total, value) => total + value, 0) / dimensions;
  const rows = dev.map((index) => {
    const vector = all[index]!;
    const length = Math.hypot(...vector) || 1;
    const row = Float64Array.from(
      vector,
      (value, dim) => (value / length - center[dim]!) / Math.sqrt(variance[dim]! + 0.3 * meanVariance),
    );
    const rowLength = Math.hypot(...row) || 1;
    return row.map((value) => value / rowLength);
  });
  const dotOf = (a: Float64Array, b: Float64Array) =>
    a.reduce((total, value, dim) => total + value * b[dim]!, 0);
  const subjectOf = dev.map((index) => problems[index]!.subject);
  const sums = new Map<string, Float64Array>(
    MATH_SUBJECTS.map((subject) => [subject, new Float64Array(dimensions)]),
  );
  const counts = new Map<string, number>(MATH_SUBJECTS.map((subject) => [subject, 0]));
  rows.forEach((row, position) => {
    const sum = sums.get(subjectOf[position]!)!;
    for (let dim = 0; dim < dimensions; dim++) sum[dim]! += row[dim]!;
    counts.set(subjectOf[position]!, counts.get(subjectOf[position]!)! + 1);
  });
  let centroidHits = 0;
  let neighbourHits = 0;
  rows.forEach((row, position) => {
    const own = subjectOf[position]!;
    let best = '';
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const subject of MATH_SUBJECTS) {
      const leaveOut = subject === own ? 1 : 0;
      const count = counts.get(subject)! - leaveOut;
      if (count <= 0) continue;
      const centroid = sums.get(subject)!.map((value, dim) => (value - leaveOut * row[dim]!) / count);
      const score = 2 * dotOf(row, centroid) - dotOf(centroid, centroid);
      if (score > bestScore) [best, bestScore] = [subject, score];
    }
    if (best === own) centroidHits++;
    const nearest = rows
      .map((other, index) => ({ index, similarity: index === position ? -2 : dotOf(row, other) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 10);
    const votes = new Map<string, number>();
    for (const { index } of nearest) votes.set(subjectOf[index]!, (votes.get(subjectOf[index]!) ?? 0) + 1);
    const top = [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    if (top === own) neighbourHits++;
  });
  oracleRows.push([name, (centroidHits / rows.length).toFixed(3), (neighbourHits / rows.length).toFixed(3)]);
}
console.log(
  "# Oracle (the DEV rows' true subjects; a diagnosis, not a router): leave-one-out accuracy on DEV\n",
);
table(['embedder', 'nearest true centroid', '10-NN true-label vote'], oracleRows);
console.log('# Learning from the rows: rounds per node (mean over draws), nodes stopped at the round cap\n');
table(['embedding router', 'k', 'rounds', 'at cap'], trainingRows);

console.log(
  `# Per-subject recall (${devOnly ? 'DEV' : 'all scored'}) of the draw at k=10 best on DEV (${best.label}: DEV ${best.accuracy.toFixed(3)})\n`,
);
table(
  ['subject', 'problems', 'recall', 'routed here'],
  MATH_SUBJECTS.map((subject) => {
    const members = best.scored.flatMap((index, position) =>
      problems[index]!.subject === subject && (!devOnly || isDev[index]) ? [position] : [],
    );
    const hits = members.filter((position) => best.routes[position]!.path[0]!.value === subject).length;
    const routedHere = best.routes.filter(
      (route, position) => route.path[0]!.value === subject && (!devOnly || isDev[best.scored[position]!]),
    ).length;
    return [subject, members.length, (hits / members.length).toFixed(2), routedHere];
  }),
);

if (flags['accuracy-only']) {
  await useLite.close();
  process.exit(0);
}

// 4. LLM-only vs hybrid on the simulator.
const simulator = await startSimulator({ seed: 0 });
const model = createOpenAICompatible({ baseURL: simulator.url, apiKey: 'simulated' }).chat('simulated');
const { pool, scored } = draws[0]!;
const scoredTexts = scored.map((index) => texts[index]!);
console.log(
  '# LLM-only vs hybrid on MATH-500, SIMULATED LLM (word overlap with the subject names; no truth)\n',
);
const llmRows: (string | number)[][] = [];
const record = (label: string, router: Router, routes: Route[]) => {
  const stats = router.stats();
  llmRows.push([
    label,
    stats.llmCalls,
    stats.llmCallsSaved ?? '-',
    routes.filter((route) => route.levels.some((level) => level.decidedBy === 'llm')).length,
    accuracy(routes, scored).toFixed(3),
    stats.unrouted,
  ]);
};
const llmOnly = createRouter({ kind: 'llm', tree: subjectTree(pool, 10), task, model, concurrency: 16 });
record('llm only (simulated)', llmOnly, await llmOnly.route(scoredTexts));
for (const [name, embedder] of embedders.filter(([name]) =>
  ['hashing', 'hashing:4096', 'combined'].includes(name.split(' ')[0]!),
)) {
  const vectors = await embedAll(embedder, scoredTexts);
  const settings: [string, { marginThreshold?: number; llmShare?: number }][] = [
    ['margin < 0.05 (old default)', { marginThreshold: 0.05 }],
    ['least certain 10%', { llmShare: 0.1 }],
    ['least certain 20% (default)', {}],
    ['least certain 40%', { llmShare: 0.4 }],
  ];
  for (const [label, setting] of settings) {
    const hybrid = createHybridRouter({
      tree: subjectTree(pool, 10),
      task,
      model,
      embedder,
      concurrency: 16,
      descriptions: SUBJECT_DESCRIPTIONS,
      ...setting,
    });
    record(
      `hybrid ${name.split(' ')[0]}+desc, ${label} (simulated LLM)`,
      hybrid,
      await hybrid.routeEmbeddings(scoredTexts, vectors),
    );
  }
}
table(
  ['router (k=10, seed 0)', 'LLM calls', 'saved vs LLM-only', 'samples asked', 'accuracy', 'unrouted'],
  llmRows,
);
await simulator.close();

// 3. Routing throughput on a deeper synthetic tree, embeddings given.
const DIMENSIONS = 384;
const synthetic = new PartitionTree();
const random = createRandom('routing-throughput');
const pivotsFor = (dimension: string, values: string[]): Pick<NodeSplit, 'pivots' | 'assignments'> => {
  const pivots = values.flatMap((value) =>
    [0, 1].map((n) => ({ problem: `${dimension} ${value} example ${n}` })),
  );
  return {
    pivots,
    assignments: values.map((value, index) => ({ value, pivots: [2 * index, 2 * index + 1] })),
  };
};
const makeSplit = (dimension: string, values: string[], infinite = false): NodeSplit => ({
  dimension,
  values,
  infinite,
  fixed: false,
  ...pivotsFor(dimension, values),
  coverageRounds: 0,
  rejections: [],
});
const letters = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix} ${index + 1}`);
for (const topic of synthetic.applySplit(ROOT_ID, makeSplit('topic', letters('topic', 8)))) {
  for (const style of synthetic.applySplit(topic.id, makeSplit('style', letters('style', 6)))) {
    for (const leaf of synthetic.applySplit(style.id, makeSplit('detail', letters('detail', 20), true)))
      synthetic.markLeaf(leaf.id, 'max-depth');
  }
}
const vectors = Array.from({ length: THROUGHPUT_SAMPLES }, () => {
  const vector = new Float32Array(DIMENSIONS);
  for (let dim = 0; dim < DIMENSIONS; dim++) vector[dim] = random() - 0.5;
  return vector;
});
const throughputRouter = createEmbeddingRouter({
  tree: synthetic,
  task,
  embedder: createEmbedder(`hashing:${DIMENSIONS}`),
});
await throughputRouter.routeEmbeddings(vectors.slice(0, 10)); // embeds the prototypes once
const started = performance.now();
const routes = await throughputRouter.routeEmbeddings(vectors);
const seconds = (performance.now() - started) / 1000;
console.log(
  `# Routing throughput, embeddings given (${DIMENSIONS}-d, tree of 3 levels: 8 x 6 x infinite 20, ${synthetic.leaves().length} leaves)\n`,
);
table(
  ['samples', 'seconds', 'samples/s', 'levels/sample', 'unrouted'],
  [
    [
      THROUGHPUT_SAMPLES,
      seconds.toFixed(2),
      (THROUGHPUT_SAMPLES / seconds).toFixed(0),
      (routes.reduce((total, route) => total + route.levels.length, 0) / routes.length).toFixed(1),
      routes.filter((route) => route.leafId === null).length,
    ],
  ],
);
await useLite.close();
console.log(
  `load average at the end: ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);
