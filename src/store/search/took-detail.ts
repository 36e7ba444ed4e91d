/**
 * OpenObserve's `took_detail` of a search answer. Its parts time the stages of a distributed search
 * (file lists, caches, queues, indexes) that one SQLite file does not have, so they are all 0 here.
 */
export function tookDetail(): Record<string, number> {
  return { total: 0, cache_took: 0, file_list_took: 0, wait_in_queue: 0, idx_took: 0, search_took: 0 };
}
