/**
 * Pure argv builder of curl run on a host: the health probe (verify/probe.ts) and the route check through nginx
 * (deploy/nginx.ts). Both print the body and then a marker with the status code, so one round trip gives both.
 */

export interface CurlRequest {
  url: string;
  /** Cap on the whole request, in seconds (curl's --max-time; decimals allowed). */
  maxTimeSeconds: number;
  /** `--write-out` format printed after the body, e.g. `\n__MARK__:%{http_code}`. */
  writeOut: string;
  /** Print the response headers before the body (`--dump-header -`). */
  dumpHeaders?: boolean;
  /** `--resolve host:port:address`, so a name need not resolve on the host. */
  resolve?: string;
  /** Skip certificate verification (the route check asks which code answers, not whether the chain is valid). */
  insecure?: boolean;
  /** The Host header to send. */
  hostHeader?: string | undefined;
  /** Read more request headers from stdin (`--header @-`, one `Name: value` a line): a secret header stays out of argv. */
  headersFromStdin?: boolean;
}

/** Silent but with errors on stderr; redirects are not followed. Flags come out in this order, for exact tests. */
export function curlArgv(request: CurlRequest): string[] {
  return [
    "curl",
    "--silent",
    "--show-error",
    "--max-time",
    String(request.maxTimeSeconds),
    ...(request.dumpHeaders ? ["--dump-header", "-"] : []),
    "--output",
    "-",
    "--write-out",
    request.writeOut,
    ...(request.resolve ? ["--resolve", request.resolve] : []),
    ...(request.insecure ? ["--insecure"] : []),
    ...(request.hostHeader ? ["--header", `Host: ${request.hostHeader}`] : []),
    ...(request.headersFromStdin ? ["--header", "@-"] : []),
    "--",
    request.url,
  ];
}
