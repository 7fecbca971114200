/**
 * Key hash to the end of its block (epoch milliseconds), bounded. When full, the block that ends
 * soonest makes room: an ended one if there is any (it ends soonest of all), else the live block
 * whose loss costs least; a new block that would end sooner than every known one is not kept. A
 * min-heap of ends finds it in O(log n); entries of blocks that were since extended, dropped or
 * cleared stay in the heap until they come up (or until the heap holds twice as many entries as
 * there are blocks, when it is rebuilt: O(1) amortised per change).
 */
export class BlockMap {
  private readonly ends = new Map<string, number>();
  /** (end, key hash) pairs, the soonest end first; may hold stale pairs (see above). */
  private heap: [number, string][] = [];

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.ends.size;
  }

  get(keyHash: string): number | undefined {
    return this.ends.get(keyHash);
  }

  set(keyHash: string, until: number): void {
    if (!this.ends.has(keyHash) && this.ends.size >= this.maxEntries) {
      const soonest = this.soonest();
      if (soonest === undefined || soonest[0] > until) return;
      this.pop();
      this.ends.delete(soonest[1]);
    }
    this.ends.set(keyHash, until);
    this.push([until, keyHash]);
    if (this.heap.length > 2 * this.ends.size + 64) this.rebuild();
  }

  delete(keyHash: string): void {
    this.ends.delete(keyHash);
  }

  /** Drops the blocks that have ended. */
  sweep(now: number): void {
    while (this.heap.length > 0 && this.heap[0]![0] <= now) {
      const [until, keyHash] = this.pop();
      if (this.ends.get(keyHash) === until) this.ends.delete(keyHash);
    }
    if (this.heap.length > 2 * this.ends.size + 64) this.rebuild();
  }

  /** The block that ends soonest, at the top of the heap once the stale entries above it are gone. */
  private soonest(): [number, string] | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.ends.get(top[1]) === top[0]) return top;
      this.pop();
    }
    return undefined;
  }

  private rebuild(): void {
    this.heap = [...this.ends].map(([keyHash, until]) => [until, keyHash]);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private push(entry: [number, string]): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]![0] <= entry[0]) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): [number, string] {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private down(start: number): void {
    const heap = this.heap;
    const entry = heap[start]!;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1]![0] < heap[child]![0]) child++;
      if (heap[child]![0] >= entry[0]) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = entry;
  }
}
