// The targets `bench/run.ts` knows, in the order they are measured within each round.
// `direct` must stay first: it is the baseline the others are compared with.
import { directTarget } from './direct-target.ts';
import { passthroughTarget } from './passthrough-target.ts';
import { portkeyTarget } from './portkey-target.ts';
import type { TargetSpec } from './target-types.ts';
import {
  tollgateNoStoreTarget,
  tollgateTarget,
  tollgateTracedTarget,
  tollgateTwoWorkersTarget,
} from './tollgate-target.ts';

export const TARGETS: readonly TargetSpec[] = [
  directTarget,
  passthroughTarget,
  tollgateTarget,
  tollgateNoStoreTarget,
  tollgateTracedTarget,
  tollgateTwoWorkersTarget,
  portkeyTarget,
];
