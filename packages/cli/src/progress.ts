import type { Writable } from "node:stream";
import type { WorkflowInstance } from "@workflows-kit/client";

// Carriage return + "erase line": redraw in place on a terminal.
const ERASE_LINE = "\r\x1b[2K";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/**
 * Yields the walk's pages unchanged and, when `tty` is set, keeps one line on stderr up to date
 * with the pages and instances fetched so far. The line is erased before each page is handed on
 * (so output on the same terminal starts on a clean line) and when the walk ends.
 */
export async function* withProgress(
  pages: AsyncIterable<WorkflowInstance[]>,
  stderr: Writable,
  tty: boolean,
): AsyncGenerator<WorkflowInstance[], void, undefined> {
  if (!tty) {
    yield* pages;
    return;
  }
  let pageCount = 0;
  let itemCount = 0;
  stderr.write("fetching…");
  try {
    for await (const page of pages) {
      pageCount++;
      itemCount += page.length;
      stderr.write(ERASE_LINE);
      yield page;
      stderr.write(`fetched ${plural(pageCount, "page")}, ${plural(itemCount, "instance")}…`);
    }
  } finally {
    stderr.write(ERASE_LINE);
  }
}
