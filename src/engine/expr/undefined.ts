/** A lookup that found nothing. It survives until something needs its value, so `default` and `is defined` work. */
export class Undefined {
  constructor(readonly path: string) {}
}

export function isUndefined(value: unknown): value is Undefined {
  return value instanceof Undefined;
}

export class UndefinedVariableError extends Error {
  constructor(readonly path: string) {
    super(`"${path}" is undefined`);
  }
}

/** The value, or a thrown UndefinedVariableError naming the missing path. */
export function must(value: unknown): unknown {
  if (value instanceof Undefined) throw new UndefinedVariableError(value.path);
  return value;
}
