// Timing spans for one operation ("start abc: mounts 1.2ms, create-task 70.1ms, ..."), logged at
// debug level: how we learn where the time of a `docker run` goes.
export class Spans {
  private last = performance.now();
  private readonly start = this.last;
  private readonly parts: string[] = [];

  constructor(private readonly label: string) {}

  mark(name: string): void {
    const now = performance.now();
    this.parts.push(`${name} ${(now - this.last).toFixed(1)}ms`);
    this.last = now;
  }

  toString(): string {
    return `${this.label}: ${this.parts.join(', ')}; total ${(performance.now() - this.start).toFixed(1)}ms`;
  }
}
