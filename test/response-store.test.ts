/**
 * Where kept Responses API answers live — this process's memory, `responses.db`, Redis shared by
 * replicas — each keeping, expiring and deleting alike; and the conversation chain they make, walked
 * back for `previous_response_id` within its size limit.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_CONVERSATION_CHARS, withEarlierTurns } from '../src/gateway/responses/expand.ts';
import { RedisResponses } from '../src/gateway/responses/redis-store.ts';
import { SqliteResponses } from '../src/gateway/responses/sqlite-store.ts';
import { MemoryResponses, RETENTION_MS, type ResponseStore } from '../src/gateway/responses/store.ts';
import { type RedisServer, redisMissing, startRedis } from './helpers/redis-server.ts';
import { tempDir } from './helpers/temp-dir.ts';

const turn = (id: string, text: string, previous?: string) => ({
  id,
  createdAt: Date.now(),
  ...(previous === undefined ? {} : { previous }),
  input: [{ id: `msg_in_${id}`, type: 'message', role: 'user', content: [{ type: 'input_text', text }] }],
  response: {
    id,
    object: 'response',
    output: [{ id: `msg_out_${id}`, type: 'message', role: 'assistant', content: [] }],
  },
});

function behavesAsAStore(name: string, open: () => Promise<ResponseStore>, skip?: string) {
  describe(name, { skip }, () => {
    let store: ResponseStore;
    before(async () => {
      store = await open();
    });
    after(() => store.close());

    it('keeps, reads and deletes an answer', async () => {
      const entry = turn('resp_keep', 'hello');
      await store.put(entry);
      assert.deepEqual(await store.get('resp_keep'), entry);
      assert.equal(await store.delete('resp_keep'), true);
      assert.equal(await store.get('resp_keep'), undefined);
      assert.equal(await store.delete('resp_keep'), false);
    });

    it('forgets an answer older than the retention', async () => {
      await store.put({ ...turn('resp_old', 'old'), createdAt: Date.now() - RETENTION_MS - 1000 });
      // Redis expires by its own clock from the write: an old createdAt is still readable there.
      if (name !== 'Redis') assert.equal(await store.get('resp_old'), undefined);
    });
  });
}

behavesAsAStore('memory', async () => new MemoryResponses());
behavesAsAStore('responses.db', async () => new SqliteResponses(join(tempDir(), 'responses.db')));

let redis: RedisServer | undefined;
behavesAsAStore(
  'Redis',
  async () => {
    redis = await startRedis();
    return new RedisResponses({ url: redis.url }, () => {});
  },
  redisMissing,
);
after(() => redis?.stop());

describe('kept answers in memory', () => {
  it('lets the oldest go once they hold more than 64 MiB', async () => {
    const store = new MemoryResponses();
    const big = 'x'.repeat(24 * 1024 * 1024);
    for (const id of ['resp_m1', 'resp_m2', 'resp_m3']) await store.put(turn(id, big));
    assert.equal(await store.get('resp_m1'), undefined);
    assert.ok(await store.get('resp_m2'));
    assert.ok(await store.get('resp_m3'));
  });
});

describe('responses.db', () => {
  it('is a private file', () => {
    const path = join(tempDir(), 'responses.db');
    const store = new SqliteResponses(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    return store.close();
  });
});

describe('kept answers in a Redis that is not there', () => {
  it('answers 503 within its deadline, and closes at once', async () => {
    // Nothing listens on port 9.
    const store = new RedisResponses({ host: '127.0.0.1', port: 9 }, () => {});
    const started = Date.now();
    await assert.rejects(store.get('resp_x'), (err: { status?: number; code?: string }) => {
      return err.status === 503 && err.code === 'responses_store_unavailable';
    });
    assert.ok(Date.now() - started < 3000, `answered after ${Date.now() - started} ms`);
    const closing = Date.now();
    await store.close();
    assert.ok(Date.now() - closing < 1000);
  });
});

describe('kept answers in Redis, across replicas', { skip: redisMissing }, () => {
  it('lets a second replica continue a conversation the first one kept', async () => {
    const server = await startRedis();
    const one = new RedisResponses({ url: server.url }, () => {});
    const two = new RedisResponses({ url: server.url }, () => {});
    try {
      await one.put(turn('resp_r1', 'first'));
      const { body } = await withEarlierTurns(
        { model: 'm', input: 'next', previous_response_id: 'resp_r1' },
        two,
      );
      assert.equal((body.input as unknown[]).length, 3);
    } finally {
      await one.close();
      await two.close();
      await server.stop();
    }
  });
});

describe('previous_response_id over a chain of kept turns', () => {
  it('writes out every earlier turn in order, and says how many items came before', async () => {
    const store = new MemoryResponses();
    await store.put(turn('resp_1', 'one'));
    await store.put(turn('resp_2', 'two', 'resp_1'));
    const { body, continues } = await withEarlierTurns(
      { model: 'm', input: 'three', previous_response_id: 'resp_2', instructions: 'Be brief.' },
      store,
    );
    const ids = (body.input as Array<{ id: string }>).map((i) => i.id);
    assert.deepEqual(ids.slice(0, 4), ['msg_in_resp_1', 'msg_out_resp_1', 'msg_in_resp_2', 'msg_out_resp_2']);
    assert.equal(ids.length, 5);
    assert.equal(body.previous_response_id, undefined);
    assert.equal(body.instructions, 'Be brief.');
    assert.deepEqual(continues, { responseId: 'resp_2', priorItems: 4 });
  });

  it('leaves an id it does not keep to the upstream', async () => {
    const body = { model: 'm', input: 'x', previous_response_id: 'resp_elsewhere' };
    assert.deepEqual(await withEarlierTurns(body, new MemoryResponses()), { body });
  });

  it('refuses a conversation longer than the limit instead of building it', async () => {
    const store = new MemoryResponses();
    const big = 'x'.repeat(MAX_CONVERSATION_CHARS / 4);
    for (let i = 0; i < 5; i++)
      await store.put(turn(`resp_b${i}`, big, i === 0 ? undefined : `resp_b${i - 1}`));
    await assert.rejects(
      withEarlierTurns({ model: 'm', input: 'x', previous_response_id: 'resp_b4' }, store),
      (err: { status?: number; param?: string }) =>
        err.status === 400 && err.param === 'previous_response_id',
    );
  });
});
