import type { PathStep } from '@treesynth/core';
import type { DatasetRow, RowProblem } from '@treesynth/core/internal';
import type { Route } from '../routing/route-types.js';

/** One line of `routes.jsonl`: where one input row went (or why it went nowhere). */
export interface RouteLine {
  line: number;
  leaf_id: string | null;
  path: PathStep[];
  similarity: number | null;
  margin: number | null;
  decided_by: Route['decidedBy'] | null;
  /** Whether the row is in balanced.jsonl (after seeded downsampling). */
  kept: boolean;
  /** Why the row was not routed: the router's reason, or what was wrong with the row. */
  unrouted?: string;
}

/** Lines of `routes.jsonl` in file order: routed rows and bad rows alike. */
export function routeLines(
  rows: readonly DatasetRow[],
  routes: readonly Route[],
  keep: readonly boolean[],
  problems: readonly RowProblem[],
): RouteLine[] {
  const lines: RouteLine[] = rows.map((row, index) => {
    const route = routes[index]!;
    return {
      line: row.line,
      leaf_id: route.leafId,
      path: route.path,
      similarity: route.similarity,
      margin: route.margin,
      decided_by: route.decidedBy,
      kept: keep[index] === true,
      ...(route.leafId === null ? { unrouted: route.unrouted ?? 'not routed' } : {}),
    };
  });
  for (const problem of problems)
    lines.push({
      line: problem.line,
      leaf_id: null,
      path: [],
      similarity: null,
      margin: null,
      decided_by: null,
      kept: false,
      unrouted: `bad row: ${problem.reason}`,
    });
  return lines.sort((a, b) => a.line - b.line);
}
