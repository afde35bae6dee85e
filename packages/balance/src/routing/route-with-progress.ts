import type { Logger } from '@treesynth/core';
import type { Route, Router } from './route-types.js';

/** Progress lines at most this often while routing. */
const PROGRESS_EVERY_MS = 2000;

/**
 * Route every text, telling `routing: n/total rows, …` on the logger as it goes (at most every two
 * seconds), and a last line with the totals.
 */
export async function routeWithProgress(
  router: Router,
  texts: readonly string[],
  options: { logger: Logger; signal?: AbortSignal },
): Promise<Route[]> {
  let last = 0;
  const tell = (message: string, force = false) => {
    const now = Date.now();
    if (!force && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    options.logger.info(message);
  };
  const routes = await router.route(texts, {
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (progress) => {
      if (progress.routed > 0)
        tell(
          `routing: ${progress.routed}/${progress.total} rows${progress.llmCalls > 0 ? `, ${progress.llmCalls} LLM calls` : ''}, ${(progress.elapsedMs / 1000).toFixed(1)} s`,
        );
    },
  });
  const stats = router.stats();
  tell(`routing: ${routes.length} rows, ${stats.unrouted} unrouted, ${stats.llmCalls} LLM calls`, true);
  return routes;
}
