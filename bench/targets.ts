// The targets `bench/run.ts` knows, in the order they are measured within each round.
// `direct` must stay first: it is the baseline the others are compared with; `portkey` is the peer
// (report.ts compares every other gateway with it too).
import { directTarget } from './direct-target.ts';
import { passthroughTarget } from './passthrough-target.ts';
import { portkeyTarget } from './portkey-target.ts';
import type { TargetSpec } from './target-types.ts';
import {
  tollgateBaselineTarget,
  tollgateNoStoreTarget,
  tollgateTarget,
  tollgateTracedTarget,
  tollgateTwoWorkersTarget,
} from './tollgate-target.ts';

export const TARGETS: readonly TargetSpec[] = [
  directTarget,
  passthroughTarget,
  tollgateTarget,
  tollgateBaselineTarget,
  tollgateNoStoreTarget,
  tollgateTracedTarget,
  tollgateTwoWorkersTarget,
  portkeyTarget,
];

/** The peer gateway the others are compared with, when it is measured. */
export const PEER = 'portkey';
