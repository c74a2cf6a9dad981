/**
 * Lets the claim loop sleep until its poll interval passes or something worth a look happens
 * sooner: a handler freed a slot, a local enqueue, a retry came due, stop. A notify that arrives
 * while the loop is busy (mid-claim) is remembered, so it is never lost.
 */
export class Waiter {
  private pending = false;
  private release: (() => void) | undefined;

  notify(): void {
    if (this.release) this.release();
    else this.pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.release = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.release = finish;
    });
  }
}

/** Resolves true when `work` settles within `ms`, false when the time runs out first. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
