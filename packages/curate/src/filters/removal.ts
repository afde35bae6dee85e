/** A row a filter reads: its sample id and the text compared. */
export interface FilterRow {
  id: string;
  text: string;
}

/** A row removed because it repeats another that is kept. */
export interface DuplicateRemoval {
  id: string;
  reason: 'exact-duplicate' | 'near-duplicate' | 'embedding-duplicate';
  /** The kept row it repeats (the smallest id of the two in `compareSampleIds` order). */
  duplicateOf: string;
  /** Similarity of the pair, computed exactly: shingle Jaccard (near), cosine (embedding), 1 (exact). */
  similarity: number;
}

/** A row removed because it overlaps a benchmark item. */
export interface ContaminationRemoval {
  id: string;
  reason: 'contamination';
  /** `gsm8k`, `math500`, `humaneval`, `mbpp`, or the name of a user file's source. */
  source: string;
  /** The benchmark item: `gsm8k/<row index>`, MATH `unique_id`, HumanEval `task_id`, `mbpp/<task_id>`, `<name>/<line>`. */
  itemId: string;
  /** `ngram`: an n-word run shared with the item; `exact`: the row's whole normalised text is the item's. */
  match: 'ngram' | 'exact';
  /** The shared words (normalised), the n-gram or the whole text. */
  ngram: string;
}

export type Removal = DuplicateRemoval | ContaminationRemoval;
