/** Messages between the gateway and the store worker, derived from the method map in `store-api.ts`. */
import type { StoreMethod, StoreParams } from './store-api.ts';

/** One call of method K. */
export interface StoreCallOf<K extends StoreMethod> {
  id: number;
  method: K;
  params: StoreParams<K>;
}

/** Any call: a union with one member per method, so checking `method` narrows `params`. */
export type StoreCall = { [K in StoreMethod]: StoreCallOf<K> }[StoreMethod];

export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; status: number; message: string };
