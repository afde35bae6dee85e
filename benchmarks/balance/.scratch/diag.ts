import { readFileSync } from 'node:fs';
import { createRandom } from '@treesynth/core/internal';
import { createEmbedder } from '@treesynth/providers';
const problems = readFileSync('../shared/data/math/math500_test.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const isDev = problems.map((p: any) => createRandom(`routing-half:${p.unique_id}`)() < 0.5);
for (const name of ['hashing', 'hashing:4096']) {
  const { embeddings } = await createEmbedder(name).doEmbed({ values: problems.map((p: any) => p.problem) });
  const d = embeddings[0]!.length, n = embeddings.length;
  const mu = new Float64Array(d), sq = new Float64Array(d);
  for (const v of embeddings) for (let j = 0; j < d; j++) { mu[j]! += v[j]! / n; sq[j]! += v[j]! ** 2 / n; }
  let mv = 0; const varr = Array.from(mu, (m, j) => sq[j]! - m * m); for (const x of varr) mv += x / d;
  const X = embeddings.map((v) => { const o = v.map((x, j) => (x - mu[j]!) / Math.sqrt(varr[j]! + 0.3 * mv)); let s = 0; for (const x of o) s += x * x; s = Math.sqrt(s); return o.map((x) => x / s); });
  const dot = (a: Float32Array, b: Float32Array) => { let s = 0; for (let j = 0; j < d; j++) s += a[j]! * b[j]!; return s; };
  // kNN purity (DEV rows, neighbours among DEV rows)
  const dev = [...Array(n).keys()].filter((i) => isDev[i]);
  let same = 0, tot = 0, vote = 0;
  for (const i of dev) {
    const sims = dev.filter((j) => j !== i).map((j) => [dot(X[i]!, X[j]!), j] as const).sort((a, b) => b[0] - a[0]).slice(0, 10);
    const counts = new Map<string, number>();
    for (const [, j] of sims) { tot++; if (problems[j].subject === problems[i].subject) same++; counts.set(problems[j].subject, (counts.get(problems[j].subject) ?? 0) + 1); }
    const top = [...counts].sort((a, b) => b[1] - a[1])[0]![0]; if (top === problems[i].subject) vote++;
  }
  // oracle centroids from DEV rows (leave-one-out), nearest centroid Euclidean
  const subjects = [...new Set(problems.map((p: any) => p.subject))] as string[];
  const sums = new Map(subjects.map((s) => [s, new Float64Array(d)])); const cnt = new Map(subjects.map((s) => [s, 0]));
  for (const i of dev) { const s = problems[i].subject; cnt.set(s, cnt.get(s)! + 1); const t = sums.get(s)!; for (let j = 0; j < d; j++) t[j]! += X[i]![j]!; }
  let oracle = 0;
  for (const i of dev) {
    let best = '', bs = -Infinity;
    for (const s of subjects) {
      const c = cnt.get(s)! - (problems[i].subject === s ? 1 : 0);
      const cen = sums.get(s)!.map((x, j) => (x - (problems[i].subject === s ? X[i]![j]! : 0)) / c);
      let e = 0, nn = 0; for (let j = 0; j < d; j++) { e += X[i]![j]! * cen[j]!; nn += cen[j]! ** 2; }
      const sc = 2 * e - nn; if (sc > bs) { bs = sc; best = s; }
    }
    if (best === problems[i].subject) oracle++;
  }
  console.log(name, 'DEV 10-NN edge purity', (same / tot).toFixed(3), '10-NN vote', (vote / dev.length).toFixed(3), 'oracle LOO centroid', (oracle / dev.length).toFixed(3));
}
