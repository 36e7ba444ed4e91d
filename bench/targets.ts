// The targets `bench/run.ts` knows, in the order they are measured within each round.
// `direct` must stay first: it is the baseline the others are compared with; `passthrough` is the
// practical ceiling the targets are stated against (targets-table.ts); `portkey` is the peer
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
  tollgateUnpricedTarget,
  tollgateVirtualKeyTarget,
} from './tollgate-target.ts';

export const TARGETS: readonly TargetSpec[] = [
  directTarget,
  passthroughTarget,
  tollgateTarget,
  tollgateUnpricedTarget,
  tollgateBaselineTarget,
  tollgateNoStoreTarget,
  tollgateTracedTarget,
  tollgateTwoWorkersTarget,
  tollgateVirtualKeyTarget,
  portkeyTarget,
];

/** The peer gateway the others are compared with, when it is measured. */
export const PEER = 'portkey';
/** The bare proxy whose numbers the targets are relative to (the practical ceiling). */
export const CEILING = 'passthrough';
