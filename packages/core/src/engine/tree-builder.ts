import { AbortedError } from '../errors/abort-error.js';
import { StructuredOutputError } from '../errors/structured-output-error.js';
import type { PathStep, SampleFields } from '../spec/sample.js';
import type { CoverageOutput, CriterionOutput, StageContext } from '../spec/stage.js';
import type { RunEvent } from '../store/run-events.js';
import { cleanFields } from '../tasks/clean-fields.js';
import { fixedSplit } from '../tree/fixed-split.js';
import {
  drawPath,
  type LeafReason,
  type NodeSplit,
  type TreeNode,
  usedDimensions,
} from '../tree/partition-tree.js';
import { checkCriterion, mergeValues } from './check-criterion.js';
import type { EngineRuntime } from './engine-runtime.js';

/** Where one node's expansion stands: its draws, and the rejections noted so far. */
interface Expansion {
  node: TreeNode;
  context: StageContext;
  path: PathStep[];
  rejections: string[];
}

/**
 * Stage one: expands nodes into the partition tree. A node gets pivots, then a criterion that passes
 * `checkCriterion` (within `criterionAttempts`), then coverage rounds that complete its values; it
 * splits, or becomes a leaf saying why. A child is expanded as soon as its parent is split; every
 * split and leaf is an event before it changes the tree.
 */
export class TreeBuilder {
  private expansionsInFlight = 0;

  /** `onLeaf`: called for each node that becomes a leaf in this session. */
  constructor(
    private readonly runtime: EngineRuntime,
    private readonly onLeaf: (leaf: TreeNode) => void,
  ) {}

  /** No expansion in flight. */
  get idle(): boolean {
    return this.expansionsInFlight === 0;
  }

  /** The whole tree is known: no node pending, none being expanded. */
  get complete(): boolean {
    return this.expansionsInFlight === 0 && this.runtime.state.tree.isComplete();
  }

  /** Expand a pending node in the background (its children follow once it is split). */
  start(node: TreeNode): void {
    this.expansionsInFlight++;
    this.runtime.track(
      this.expand(node).finally(() => {
        this.expansionsInFlight--;
      }),
    );
  }

  private async expand(node: TreeNode): Promise<void> {
    const { config, task } = this.runtime;
    if (node.depth >= config.tree.depth) return this.becomeLeaf(node, 'max-depth');

    const fixed = task.fixedLevels[node.depth];
    if (fixed) {
      return this.split(node, fixedSplit(fixed.dimension, mergeValues([], fixed.values)));
    }

    const context = this.runtime.stageContext('tree', `node:${node.id}`);
    const expansion: Expansion = {
      node,
      context,
      path: drawPath(node.steps, context.random).path,
      rejections: [],
    };

    let pivots: SampleFields[];
    try {
      pivots = await this.pivots(expansion);
    } catch (error) {
      if (!StructuredOutputError.isInstance(error)) throw error;
      return this.becomeLeaf(node, 'pivots-failed', [error.message]);
    }
    if (pivots.length < 2) return this.becomeLeaf(node, 'no-pivots', [`${pivots.length} pivot(s) returned`]);

    const accepted = await this.criterion(expansion, pivots);
    if (!accepted) return this.becomeLeaf(node, 'no-criterion', expansion.rejections);

    const { values, rounds } = await this.coverage(expansion, accepted);
    if (values.length < 2)
      return this.becomeLeaf(node, 'too-few-values', [
        ...expansion.rejections,
        `dimension "${accepted.dimension}" has ${values.length} value(s)`,
      ]);

    return this.split(node, {
      dimension: accepted.dimension,
      values,
      infinite: values.length >= config.tree.coverageCap,
      fixed: false,
      pivots,
      assignments: accepted.assignments,
      coverageRounds: rounds,
      rejections: expansion.rejections,
    });
  }

  private async pivots({ node, context, path }: Expansion): Promise<SampleFields[]> {
    const { config, task, stages } = this.runtime;
    const output = await stages.pivots.run(
      {
        task,
        path,
        count: config.tree.pivots,
        temperature: config.tree.pivotTemperature,
        callKey: `pivots:${node.id}`,
      },
      context,
    );
    return output.pivots.map((pivot) => cleanFields(task, pivot));
  }

  /** The first criterion that passes `checkCriterion`, within the attempts; each rejection is noted. */
  private async criterion(
    expansion: Expansion,
    pivots: SampleFields[],
  ): Promise<CriterionOutput | undefined> {
    const { config, task, stages } = this.runtime;
    const { node, context, path, rejections } = expansion;
    const used = usedDimensions(node.steps);
    for (let attempt = 0; attempt < config.tree.criterionAttempts; attempt++) {
      try {
        const output = await stages.criterion.run(
          {
            task,
            path,
            pivots,
            usedDimensions: used,
            attempt,
            temperature: config.tree.criterionTemperature,
            callKey: `criterion:${node.id}:${attempt}`,
          },
          context,
        );
        const problems = checkCriterion(output, pivots.length, used);
        if (problems.length === 0) return output;
        rejections.push(`attempt ${attempt + 1}: ${problems.join('; ')}`);
      } catch (error) {
        if (!StructuredOutputError.isInstance(error)) throw error;
        rejections.push(`attempt ${attempt + 1}: ${error.message}`);
      }
    }
    return undefined;
  }

  /** The criterion's values, completed by coverage rounds until one is not open-ended, or the bounds. */
  private async coverage(
    expansion: Expansion,
    accepted: CriterionOutput,
  ): Promise<{ values: string[]; rounds: number }> {
    const { config, task, stages } = this.runtime;
    const { node, context, path, rejections } = expansion;
    let values = mergeValues(
      [],
      accepted.assignments.map((assignment) => assignment.value),
    );
    let rounds = 0;
    while (rounds < config.tree.coverageRounds && values.length < config.tree.coverageCap) {
      let output: CoverageOutput;
      try {
        output = await stages.coverage.run(
          {
            task,
            path,
            dimension: accepted.dimension,
            values,
            round: rounds,
            temperature: config.tree.coverageTemperature,
            callKey: `coverage:${node.id}:${rounds}`,
          },
          context,
        );
      } catch (error) {
        if (!StructuredOutputError.isInstance(error)) throw error;
        rejections.push(`coverage round ${rounds + 1}: ${error.message}; kept ${values.length} values`);
        rounds++;
        break;
      }
      rounds++;
      values = mergeValues(values, output.newValues);
      if (output.status !== 'open-ended') break;
    }
    return { values, rounds };
  }

  private async split(node: TreeNode, split: NodeSplit): Promise<void> {
    const { signal, store, state } = this.runtime;
    if (signal.aborted) throw new AbortedError(signal.reason);
    await store.appendEvents([{ type: 'node-split', node: node.id, split }]);
    const children = state.tree.applySplit(node.id, split);
    for (const child of children) this.start(child);
  }

  private async becomeLeaf(node: TreeNode, reason: LeafReason, detail?: string[]): Promise<void> {
    const { signal, store, state, logger } = this.runtime;
    if (signal.aborted) throw new AbortedError(signal.reason);
    const event: RunEvent = { type: 'node-leaf', node: node.id, reason };
    if (detail && detail.length > 0) event.detail = detail;
    await store.appendEvents([event]);
    state.tree.markLeaf(node.id, reason, detail);
    if (reason !== 'max-depth')
      logger.debug(`node ${node.id} is a leaf: ${reason}${detail ? ` (${detail.join(' | ')})` : ''}`);
    this.onLeaf(node);
  }
}
