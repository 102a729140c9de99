/**
 * The one rule for "did this route answer right", shared by the verify action (src/verify/run.ts) and the deploy's
 * route checks through nginx (src/deploy/nginx.ts): exactly the expected status (a redirect is not a pass), and the
 * body substring when one is asked for.
 */
export interface AnswerExpectation {
  /** The one status that passes (HTTP code). */
  status: number;
  /** A substring the body must contain. */
  bodyContains?: string;
}

/** null when the answer meets `expected`, else why not, e.g. `expected status 200, got 301`. */
export function answerMismatch(expected: AnswerExpectation, status: number, body: string): string | null {
  if (status !== expected.status) return `expected status ${expected.status}, got ${status}`;
  if (expected.bodyContains !== undefined && !body.includes(expected.bodyContains)) {
    return `status ${status} but the body lacks "${expected.bodyContains}"`;
  }
  return null;
}
