import { readFileSync } from 'node:fs';
import { createRandom } from '@treesynth/core/internal';
import { createEmbedder } from '@treesynth/providers';
const problems = readFileSync('../shared/data/math/math500_test.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const isDev = problems.map((p: any) => createRandom(`routing-half:${p.unique_id}`)() < 0.5);
const subjects = [...new Set(problems.map((p: any) => p.subject))] as string[];
function solveInv(A: number[][]): number[][] { const n = A.length; const M = A.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) { let p = c; for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r; [M[c], M[p]] = [M[p]!, M[c]!]; const pv = M[c]![c]!; for (let j = 0; j < 2 * n; j++) M[c]![j]! /= pv; for (let r = 0; r < n; r++) if (r !== c) { const f = M[r]![c]!; if (f) for (let j = 0; j < 2 * n; j++) M[r]![j]! -= f * M[c]![j]!; } }
  return M.map((r) => r.slice(n)); }
for (const name of ['hashing']) {
  const { embeddings } = await createEmbedder(name).doEmbed({ values: problems.map((p: any) => p.problem) });
  const d = embeddings[0]!.length, n = embeddings.length;
  const mu = new Float64Array(d), sq = new Float64Array(d);
  for (const v of embeddings) for (let j = 0; j < d; j++) { mu[j]! += v[j]! / n; sq[j]! += v[j]! ** 2 / n; }
  let mv = 0; const varr = Array.from(mu, (m, j) => sq[j]! - m * m); for (const x of varr) mv += x / d;
  const X = embeddings.map((v) => { const o = v.map((x, j) => (x - mu[j]!) / Math.sqrt(varr[j]! + 0.3 * mv)); let s = 0; for (const x of o) s += x * x; s = Math.sqrt(s); return o.map((x) => x / s); });
  const dot = (a: Float32Array, b: Float32Array) => { let s = 0; for (let j = 0; j < d; j++) s += a[j]! * b[j]!; return s; };
  const dev = [...Array(n).keys()].filter((i) => isDev[i]);
  const K = dev.map((i) => dev.map((j) => dot(X[i]!, X[j]!)));
  const Y = dev.map((i) => subjects.map((s) => (problems[i].subject === s ? 1 : 0)));
  for (const lambda of [0.03, 0.1, 0.3, 1, 3]) {
    const inv = solveInv(K.map((r, i) => r.map((x, j) => x + (i === j ? lambda : 0))));
    // H = K inv
    let correct = 0;
    for (let a = 0; a < dev.length; a++) {
      const h = dev.map((_, b) => { let s = 0; for (let c = 0; c < dev.length; c++) s += K[a]![c]! * inv[c]![b]!; return s; });
      const haa = h[a]!;
      const pred = subjects.map((_, k) => { let s = 0; for (let b = 0; b < dev.length; b++) s += h[b]! * Y[b]![k]!; return (s - haa * Y[a]![k]!) / (1 - haa); });
      const best = pred.indexOf(Math.max(...pred)); if (subjects[best] === problems[dev[a]!].subject) correct++;
    }
    console.log(name, 'oracle LOO ridge (true DEV labels) lambda', lambda, (correct / dev.length).toFixed(3));
  }
}
