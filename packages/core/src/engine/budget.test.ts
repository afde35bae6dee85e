import { describe, expect, it } from 'vitest';
import { createRandom } from '../util/random.js';
import { callSizes, spreadBudget, spreadOrder } from './budget.js';

function randomDemands(seed: string, leaves: number): number[] {
  const random = createRandom(seed);
  // Demands as the engine makes them: base^k calls of 10, k the leaf's infinite depth.
  return Array.from({ length: leaves }, () => 10 * 10 ** Math.floor(random() * 3));
}

describe('spreadBudget', () => {
  it('gives every leaf its demand when the budget covers it', () => {
    expect(spreadBudget([10, 100, 10], 500)).toEqual([10, 100, 10]);
  });

  it('fills small leaves first and shares the rest, at most one apart', () => {
    const targets = spreadBudget([10, 100, 100, 100], 215);
    expect(targets.reduce((sum, target) => sum + target, 0)).toBe(215);
    expect(targets[0]).toBe(10);
    expect(Math.max(...targets.slice(1)) - Math.min(...targets.slice(1))).toBe(1);
  });

  it('never gives a leaf fewer samples for a larger budget', () => {
    for (const seed of ['a', 'b', 'c', 'd']) {
      const demands = randomDemands(seed, 37);
      const total = demands.reduce((sum, demand) => sum + demand, 0);
      let previous = spreadBudget(demands, 0);
      const problems: string[] = [];
      for (let budget = 1; budget <= total + 5; budget += 3) {
        const targets = spreadBudget(demands, budget);
        const sum = targets.reduce((sum, target) => sum + target, 0);
        if (sum !== Math.min(budget, total)) problems.push(`budget ${budget}: ${sum} in all`);
        targets.forEach((target, index) => {
          if (target < previous[index]! || target > demands[index]!)
            problems.push(`budget ${budget}, leaf ${index}: ${previous[index]} then ${target}`);
        });
        previous = targets;
      }
      expect(problems).toEqual([]);
    }
  });
});

describe('spreadOrder', () => {
  it('lists every position once, each prefix spread over the list', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 83]) {
      const order = spreadOrder(n);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, index) => index));
    }
    expect(spreadOrder(8)).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
    // The first quarter of 83 positions: none of the four quarters of the list is left out.
    const quarter = spreadOrder(83).slice(0, 21);
    for (let part = 0; part < 4; part++) {
      expect(quarter.some((position) => Math.floor((position * 4) / 83) === part)).toBe(true);
    }
  });
});

describe('callSizes', () => {
  it('makes full calls, then one for the remainder', () => {
    expect(callSizes(25, 10)).toEqual([10, 10, 5]);
    expect(callSizes(0, 10)).toEqual([]);
  });
});
