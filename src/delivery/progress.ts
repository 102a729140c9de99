/**
 * Follows `docker pull` output (one status line per layer change when stdout is not a terminal) and counts layers,
 * so a pull on many hosts can be shown as "t1 3/7 layers".
 */
export interface PullProgress {
  layersTotal: number;
  layersDone: number;
  /** The last status line docker printed. */
  status: string;
}

const LAYER_LINE = /^([0-9a-f]{12,64}): (.+)$/;
const DONE = new Set(["Pull complete", "Already exists"]);

export class PullProgressTracker {
  private readonly layers = new Map<string, boolean>();
  private lastStatus = "";

  /** Feeds one output line; returns the new progress when the line changed anything. */
  feed(line: string): PullProgress | null {
    const trimmed = line.trim();
    if (trimmed === "") return null;
    const match = LAYER_LINE.exec(trimmed);
    if (match) {
      const [, layer = "", status = ""] = match;
      const wasDone = this.layers.get(layer) ?? false;
      this.layers.set(layer, wasDone || DONE.has(status));
    }
    this.lastStatus = trimmed;
    return this.progress();
  }

  progress(): PullProgress {
    let done = 0;
    for (const isDone of this.layers.values()) if (isDone) done++;
    return { layersTotal: this.layers.size, layersDone: done, status: this.lastStatus };
  }
}
