export {
  type DatasetFile,
  type DatasetRow,
  describeProblems,
  type RowProblem,
  readDatasetFile,
} from '@treesynth/core';
