import { describe, expect, it } from 'vitest';
import { checkCriterion, isVagueValue, mergeValues } from './check-criterion.js';

const split = (assignments: [string, number[]][], dimension = 'colour') => ({
  dimension,
  assignments: assignments.map(([value, pivots]) => ({ value, pivots })),
});

describe('checkCriterion', () => {
  it('accepts a split that assigns every pivot once to distinct, specific values on a new dimension', () => {
    expect(
      checkCriterion(
        split([
          ['red', [0, 2]],
          ['blue', [1]],
        ]),
        3,
        ['shape'],
      ),
    ).toEqual([]);
  });

  it('names each problem: a used dimension, a catch-all, a repeated value, a missing, doubled or unknown pivot', () => {
    const problems = checkCriterion(
      split(
        [
          ['Red', [0]],
          ['red ', [0]],
          ['Other', [5]],
        ],
        'Colour',
      ),
      3,
      ['colour'],
    );
    expect(problems).toEqual([
      'dimension "Colour" is already used on this path',
      'value "red " is listed twice',
      'pivot 1 is assigned to both "Red" and "red "',
      'value "Other" is a catch-all',
      'pivot 6 does not exist (there are 3)',
      'pivot(s) 2, 3 not assigned',
    ]);
  });

  it('refuses an empty dimension and an empty value', () => {
    expect(checkCriterion(split([[' ', [0]]], ' '), 1, [])).toEqual([
      'the dimension is empty',
      'a value is empty',
    ]);
  });
});

describe('isVagueValue and mergeValues', () => {
  it('knows catch-alls whatever their case and punctuation', () => {
    expect(['Misc.', 'N/A', 'other', 'None of the above'].map(isVagueValue)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(isVagueValue('otherworldly')).toBe(false);
  });

  it('adds new values trimmed, dropping catch-alls, blanks and values equal to a known one', () => {
    expect(mergeValues(['Red', 'Blue'], ['  Green ', 'red', 'BLUE', 'Various', '', 'green'])).toEqual([
      'Red',
      'Blue',
      'Green',
    ]);
  });
});
