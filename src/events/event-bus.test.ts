import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from './event-bus.js';

test('the ring keeps the last N events and replays those in the window', () => {
  const bus = new EventBus(4, 10);
  for (let i = 0; i < 6; i++) bus.publish('container', 'start', `c${i}`);
  const { buffered, live } = bus.subscribe(() => true, { since: 0n });
  assert.deepEqual(buffered.map((e) => e.Actor.ID), ['c2', 'c3', 'c4', 'c5']);
  live.close();
  const none = bus.subscribe(() => true, {});
  assert.equal(none.buffered.length, 0, 'no window, no replay');
  none.live.close();
  assert.equal(bus.subscriberCount, 0);
});

test('timeNano is strictly increasing and time is its seconds', () => {
  const bus = new EventBus();
  bus.publish('image', 'tag', 'a');
  bus.publish('image', 'tag', 'b');
  const { buffered, live } = bus.subscribe(() => true, { since: 0n });
  live.close();
  assert.ok(buffered[1]!.timeNano > buffered[0]!.timeNano);
  assert.equal(buffered[0]!.time, Number(buffered[0]!.timeNano / 1_000_000_000n));
  const until = buffered[0]!.timeNano;
  const w = bus.subscribe(() => true, { until });
  w.live.close();
  assert.deepEqual(w.buffered.map((e) => e.Actor.ID), ['a']);
});

test('live subscribers get matching events; a subscriber that stops reading is cut off, the publisher never waits', async () => {
  const bus = new EventBus(256, 3);
  const fast = bus.subscribe((e) => e.Action === 'die', {}).live;
  const slow = bus.subscribe(() => true, {}).live;
  for (let i = 0; i < 5; i++) bus.publish('container', i % 2 ? 'die' : 'start', `c${i}`, { exitCode: '0' });
  assert.equal(slow.overflowed, true);
  assert.equal(bus.subscriberCount, 1);
  const got: string[] = [];
  const reading = (async () => { for await (const e of fast) got.push(e.Actor.ID); })();
  bus.publish('container', 'die', 'c9');
  await new Promise((r) => setImmediate(r));
  fast.close();
  await reading;
  assert.deepEqual(got, ['c1', 'c3', 'c9']);
  const drained: string[] = [];
  for await (const e of slow) drained.push(e.Actor.ID);
  assert.deepEqual(drained, ['c0', 'c1', 'c2'], 'what was queued before the cut is still delivered');
});
