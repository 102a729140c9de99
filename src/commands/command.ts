/** The shape a validate or reload step of an install takes: the argv to run and what it does, for messages. */
export interface Command {
  argv: string[];
  /** What it checks or does, for messages: "nginx -t", "reload nginx". */
  what: string;
}
