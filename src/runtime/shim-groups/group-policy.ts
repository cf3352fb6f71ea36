// Which runc v2 shim a new task joins. Containers whose OCI spec carries the same
// `io.containerd.runc.v2.group` annotation share one containerd-shim-runc-v2 process; this module
// decides the group names and keeps the book on who is in which group. Pure bookkeeping: no I/O.
//
// Policy: a group holds at most `maxMembers` tasks; a new task joins the fullest open group (the
// anchor's first) that has fewer than `maxJoining` task creations in flight, else opens a new one.
// The shim holds one lock through each `runc create`, so a burst of starts packed into one group
// would run one at a time: the in-flight limit spreads a burst over a few shims, and the groups fill
// up later, when starts come one by one. The shim exits when its last task is deleted, so a group
// whose last established task is being deleted is closed for good (a late joiner could otherwise
// reach a shim that is shutting down) — except the anchor's group, which never empties.

/** A member's state in its group. */
type MemberState =
  /** the containerd container exists with the group in its spec; its task is being created */
  | 'joining'
  /** its task exists in the shim (the shim stays up for it) */
  | 'established';

interface Group {
  name: string;
  members: Map<string, MemberState>;
  /** no new members: it emptied (or may be about to) and its shim exits */
  closed: boolean;
  /** pending task creations of joining members, so a leaving last member can wait for them */
  joins: Map<string, { done: Promise<void>; resolve: () => void }>;
}

export class ShimGroupPolicy {
  private readonly groups = new Map<string, Group>();
  private readonly groupOf = new Map<string, Group>();
  private anchorGroup: Group | undefined;
  private anchorId: string | undefined;

  constructor(
    private readonly maxMembers: number,
    private readonly newName: () => string,
    private readonly maxJoining = 2,
  ) {
    if (!(maxMembers >= 2)) throw new Error(`shim group size must be at least 2, not ${maxMembers}`);
  }

  /** The group `id`'s task will join (it becomes a joining member until its task exists). */
  assign(id: string): string {
    const known = this.groupOf.get(id);
    if (known) return known.name;
    const group = this.pick() ?? this.open(this.newName());
    this.join(group, id, 'joining');
    return group.name;
  }

  /** Reserves a place for `id` in group `name` when it is open and has room (the anchor joins this way). */
  assignTo(id: string, name: string): boolean {
    const group = this.groups.get(name);
    if (!group || group.closed || group.members.size >= this.maxMembers || this.groupOf.has(id)) return false;
    this.join(group, id, 'joining');
    return true;
  }

  /** Records a member found at startup (a task that already exists in group `name`). */
  adopt(id: string, name: string): void {
    const group = this.groups.get(name) ?? this.open(name);
    this.join(group, id, 'established');
  }

  /** The anchor (a task berthd keeps so that its group's shim stays warm) is `id`, in group `name`. */
  setAnchor(id: string, name: string): void {
    if (this.groupOf.get(id)?.name !== name) this.adopt(id, name);
    this.anchorId = id;
    this.anchorGroup = this.groupOf.get(id);
  }

  /** The anchor is gone (its shim died, or berthd removed it): its group may empty like any other. */
  clearAnchor(): void {
    this.anchorId = undefined;
    this.anchorGroup = undefined;
  }

  get anchor(): { id: string; group: string } | undefined {
    return this.anchorId && this.anchorGroup ? { id: this.anchorId, group: this.anchorGroup.name } : undefined;
  }

  /** `id`'s task creation ended (`ok`: its task now exists in the shim). */
  joined(id: string, ok: boolean): void {
    const group = this.groupOf.get(id);
    if (!group) return;
    if (ok) group.members.set(id, 'established');
    const join = group.joins.get(id);
    group.joins.delete(id);
    join?.resolve();
  }

  /**
   * `id`'s task is about to be deleted. Resolves once that is safe: when `id` is its group's last
   * established task, task creations of other members still on their way to the shim are waited
   * for (they keep the shim up); with none, the group closes to new members.
   */
  async leaving(id: string): Promise<void> {
    const group = this.groupOf.get(id);
    if (!group) return;
    for (;;) {
      if (group === this.anchorGroup) return;
      const others = [...group.members].filter(([m, s]) => m !== id && s === 'established');
      if (others.length > 0) return;
      const pending = [...group.joins].filter(([m]) => m !== id).map(([, j]) => j.done);
      if (pending.length === 0) { group.closed = true; return; }
      await Promise.all(pending);
    }
  }

  /** `id` no longer has a task (deleted, or it never got one). */
  left(id: string): void {
    const group = this.groupOf.get(id);
    if (!group) return;
    this.joined(id, false);
    group.members.delete(id);
    this.groupOf.delete(id);
    if (id === this.anchorId) this.clearAnchor();
    if (group.members.size === 0) {
      group.closed = true;
      this.groups.delete(group.name);
    }
  }

  /** The group `id` is in, if any. */
  groupNameOf(id: string): string | undefined {
    return this.groupOf.get(id)?.name;
  }

  /** Open groups and their member counts (for logs and tests). */
  snapshot(): Array<{ name: string; members: number; closed: boolean; anchor: boolean }> {
    return [...this.groups.values()].map((g) => ({ name: g.name, members: g.members.size, closed: g.closed, anchor: g === this.anchorGroup }));
  }

  private pick(): Group | undefined {
    const open = [...this.groups.values()].filter((g) => !g.closed && g.members.size < this.maxMembers && g.joins.size < this.maxJoining);
    if (this.anchorGroup && open.includes(this.anchorGroup)) return this.anchorGroup;
    // the fullest open group: fewer shims in all
    return open.sort((a, b) => b.members.size - a.members.size)[0];
  }

  private open(name: string): Group {
    const group: Group = { name, members: new Map(), closed: false, joins: new Map() };
    this.groups.set(name, group);
    return group;
  }

  private join(group: Group, id: string, state: MemberState): void {
    group.members.set(id, state);
    this.groupOf.set(id, group);
    if (state === 'joining') {
      let resolve = (): void => undefined;
      const done = new Promise<void>((r) => { resolve = r; });
      group.joins.set(id, { done, resolve });
    }
  }
}
