import { describe, expect, it } from "vitest";
import { parseReadFiles } from "../../../src/commands/files.js";
import { ReadBatcher } from "../../../src/remote/read-batch.js";

/** A host of files: the batch command answers as readFilesArgv's script would; `failing` paths make cat fail. */
function host(files: Record<string, string>, options: { failing?: string[]; batchCode?: number } = {}) {
  const batches: string[][] = [];
  const alone: string[] = [];
  const batcher = new ReadBatcher(
    async (argv) => {
      const [boundary, ...paths] = argv.slice(4) as [string, ...string[]];
      batches.push(paths);
      const out = paths.map((p) => {
        if (options.failing?.includes(p)) return `\n${boundary} present\n\n${boundary} failed\n`;
        const content = files[p];
        return content === undefined ? `\n${boundary} absent\n` : `\n${boundary} present\n${content}`;
      });
      return { code: options.batchCode ?? 0, stdout: Buffer.from(out.join("")) };
    },
    async (path) => {
      alone.push(path);
      if (options.failing?.includes(path)) throw new Error(`cannot read ${path}`);
      const content = files[path];
      return content === undefined ? undefined : Buffer.from(content);
    },
  );
  return { batcher, batches, alone };
}

const text = (b: Buffer | undefined) => b?.toString("utf8");

describe("ReadBatcher", () => {
  it("reads started together go in one command; each caller gets its own file", async () => {
    const { batcher, batches, alone } = host({ "/a": "A\n", "/c": "" });
    const reads = await Promise.all(["/a", "/b", "/c"].map((p) => batcher.read(p, true)));
    expect(reads.map(text)).toEqual(["A\n", undefined, ""]);
    expect(batches).toEqual([["/a", "/b", "/c"]]);
    expect(alone).toEqual([]);
  });

  it("a read started after an await of the same turn joins the wave; one alone uses the one-file read", async () => {
    const { batcher, batches, alone } = host({ "/a": "A", "/b": "B" });
    const late = Promise.resolve().then(() => batcher.read("/b", false));
    await Promise.all([batcher.read("/a", false), late]);
    expect(batches).toEqual([["/a", "/b"]]);
    expect(text(await batcher.read("/a", false))).toBe("A");
    expect(alone).toEqual(["/a"]);
  });

  it("privileged and plain reads are separate commands", async () => {
    const { batcher, batches } = host({ "/a": "A", "/b": "B", "/c": "C" });
    await Promise.all([batcher.read("/a", true), batcher.read("/b", false), batcher.read("/c", true)]);
    expect(batches).toEqual([["/a", "/c"]]);
  });

  it("a file the batch could not read is read alone, so its error is the one-file read's", async () => {
    const { batcher, alone } = host({ "/a": "A" }, { failing: ["/dir"] });
    const [a, dir] = await Promise.allSettled([batcher.read("/a", true), batcher.read("/dir", true)]);
    expect(a).toEqual({ status: "fulfilled", value: Buffer.from("A") });
    expect(dir).toMatchObject({ status: "rejected", reason: new Error("cannot read /dir") });
    expect(alone).toEqual(["/dir"]);
  });

  it("a batch command that failed (sudo refused) reads every file alone", async () => {
    const { batcher, alone } = host({ "/a": "A", "/b": "B" }, { batchCode: 1 });
    const reads = await Promise.all([batcher.read("/a", true), batcher.read("/b", true)]);
    expect(reads.map(text)).toEqual(["A", "B"]);
    expect(alone).toEqual(["/a", "/b"]);
  });

  it("the parser and the fake agree on the format", () => {
    expect(parseReadFiles(Buffer.from("\nB absent\n"), "B", 1)).toEqual([{ kind: "absent" }]);
  });
});
