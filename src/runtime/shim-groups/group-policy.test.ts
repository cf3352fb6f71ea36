import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShimGroupPolicy } from './group-policy.js';

function policy(size: number): ShimGroupPolicy {
  let n = 0;
  return new ShimGroupPolicy(size, () => `g${++n}`);
}

test('tasks fill one group up to its size, then open the next', () => {
  const p = policy(3);
  const groups = ['a', 'b', 'c', 'd'].map((id) => { const g = p.assign(id); p.joined(id, true); return g; });
  assert.deepEqual(groups, ['g1', 'g1', 'g1', 'g2']);
  assert.equal(p.assign('a'), 'g1', 'a member keeps its group');
});

test('a group whose last task leaves closes for good; a new task opens a new group', async () => {
  const p = policy(4);
  p.assign('a');
  p.joined('a', true);
  await p.leaving('a');
  assert.deepEqual(p.snapshot(), [{ name: 'g1', members: 1, closed: true, anchor: false }]);
  assert.equal(p.assign('b'), 'g2', 'no task joins a shim that is shutting down');
  p.left('a');
  assert.deepEqual(p.snapshot().map((g) => g.name), ['g2']);
});

test('a leaving last task waits for a neighbour still joining, and the group stays open', async () => {
  const p = policy(4);
  p.assign('a');
  p.joined('a', true);
  p.assign('b'); // its task creation is on its way to the shim
  let left = false;
  const leaving = p.leaving('a').then(() => { left = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(left, false, 'a waits: deleting it now could shut the shim down under b');
  p.joined('b', true);
  await leaving;
  p.left('a');
  assert.deepEqual(p.snapshot(), [{ name: 'g1', members: 1, closed: false, anchor: false }]);
  assert.equal(p.assign('c'), 'g1');
});

test('with other established tasks a leaving task does not wait', async () => {
  const p = policy(4);
  for (const id of ['a', 'b']) { p.assign(id); p.joined(id, true); }
  p.assign('c');
  await p.leaving('a'); // resolves at once although c is joining: b keeps the shim up
  p.left('a');
  assert.equal(p.snapshot()[0]?.closed, false);
});

test('the anchor group is preferred and never closes', async () => {
  const p = policy(3);
  p.adopt('x', 'old');
  p.setAnchor('anchor', 'warm');
  assert.equal(p.assign('a'), 'warm');
  p.joined('a', true);
  await p.leaving('a');
  p.left('a');
  assert.deepEqual(p.snapshot().find((g) => g.name === 'warm'), { name: 'warm', members: 1, closed: false, anchor: true });
  assert.equal(p.assign('b'), 'warm');
  assert.equal(p.assign('c'), 'warm');
  assert.equal(p.assign('d'), 'old', 'the anchor group is full: the fullest other open group');
  p.clearAnchor();
  assert.equal(p.anchor, undefined);
});

test('a failed join leaves the group; an empty group is forgotten', () => {
  const p = policy(3);
  p.assign('a');
  p.joined('a', false);
  p.left('a');
  assert.deepEqual(p.snapshot(), []);
  assert.equal(p.groupNameOf('a'), undefined);
});

test('assignTo joins a named open group with room, and only such a group', () => {
  const p = policy(2);
  p.assign('a');
  assert.equal(p.assignTo('anchor', 'g1'), true);
  assert.equal(p.assignTo('z', 'g1'), false, 'full');
  assert.equal(p.assignTo('z', 'nope'), false, 'unknown');
});

test('a burst is spread: at most two task creations in flight per group, then groups fill up', () => {
  const p = policy(10);
  const burst = ['a', 'b', 'c', 'd', 'e'].map((id) => p.assign(id));
  assert.deepEqual(burst, ['g1', 'g1', 'g2', 'g2', 'g3']);
  for (const id of ['a', 'b', 'c', 'd', 'e']) p.joined(id, true);
  assert.equal(p.assign('f'), 'g1', 'once created, the fullest group takes the next');
});

test('a group size below 2 is refused', () => {
  assert.throws(() => policy(1), /at least 2/);
});
