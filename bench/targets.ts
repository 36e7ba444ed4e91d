// The targets `bench/run.ts` knows, in the order they are measured within each round.
// `direct` must stay first: it is the baseline the others are compared with.
// A peer gateway (Portkey) is one more TargetSpec here.
import { directTarget } from './direct-target.ts';
import { passthroughTarget } from './passthrough-target.ts';
import type { TargetSpec } from './target-types.ts';
import { tollgateStoreTarget, tollgateTarget, tollgateTracedTarget } from './tollgate-target.ts';

export const TARGETS: readonly TargetSpec[] = [
  directTarget,
  passthroughTarget,
  tollgateTarget,
  tollgateTracedTarget,
  tollgateStoreTarget,
];
