/** How a found value is shown in an error: short, typed, and never a whole mapping. */
export function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (typeof value === "string")
    return value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}...` : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `a list (${value.length} item${value.length === 1 ? "" : "s"})`;
  if (typeof value === "object") return "a mapping";
  return String(value);
}

/** zod's `expected` type names as a user reads them. */
export function describeExpectedType(expected: string): string {
  switch (expected) {
    case "string":
      return "a string";
    case "number":
    case "int":
      return "a number";
    case "boolean":
      return "true or false";
    case "object":
    case "record":
    case "map":
      return "a mapping";
    case "array":
    case "tuple":
      return "a list";
    default:
      return expected;
  }
}
