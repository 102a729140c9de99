/**
 * What the main step hands the post step (core.saveState in main, core.getState in post: the runner passes it as
 * STATE_<name>). The post step acts only on what main recorded, so a validate, a plan or a run that failed before
 * touching a host leaves it nothing to do.
 */
export const STATE = {
  /** Set just before the deploy starts taking host locks: the run id the locks are held under. */
  runId: "run-id",
  /** Set when the deploy returned (it released its own locks on every path it controls). */
  finished: "finished",
  /** The GitHub deployment this run created, so the post step can mark an unfinished one as failed. */
  deploymentId: "deployment-id",
} as const;

export interface StateStore {
  save(name: string, value: string): void;
  get(name: string): string;
}
