/** Wakes a waiting loop when something changed. Many notifications before a wait count as one. */
export class Notifier {
  private resolve: (() => void) | undefined;
  private pending = false;

  notify(): void {
    if (this.resolve) {
      const resolve = this.resolve;
      this.resolve = undefined;
      resolve();
    } else this.pending = true;
  }

  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }
}
