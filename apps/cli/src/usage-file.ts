// usage.json is written by @treesynth/providers (beside the pricing); run-job.ts imports it from here.
export { writeUsageFile } from '@treesynth/providers';
