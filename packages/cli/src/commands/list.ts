import type { WorkflowInstance } from "@workflows-kit/client";
import { type ListCommand, type ListFormat, present } from "../args.js";
import { csvHeader, csvRows } from "../format/csv.js";
import { formatJson } from "../format/json.js";
import { ndjsonLines } from "../format/ndjson.js";
import { formatInstanceTable } from "../format/table.js";
import { withProgress } from "../progress.js";
import type { CommandContext } from "./context.js";

/** Streaming formats write each page as it arrives; the others need the whole list first. */
type Renderer =
  | { stream: true; header: () => string; page: (instances: readonly WorkflowInstance[]) => string }
  | { stream: false; render: (instances: readonly WorkflowInstance[]) => string };

const RENDERERS: Record<ListFormat, Renderer> = {
  table: { stream: false, render: formatInstanceTable },
  json: { stream: false, render: formatJson },
  ndjson: { stream: true, header: () => "", page: ndjsonLines },
  csv: { stream: true, header: csvHeader, page: csvRows },
};

async function* onePage(page: Promise<WorkflowInstance[]>) {
  yield await page;
}

/** `workflows list`: one page, or with --all the whole walk, in the chosen format. */
export async function list(command: ListCommand, { client, output, stderr, tty, call }: CommandContext) {
  const pages = command.all
    ? withProgress(
        client.iterateWorkflowInstancePages(
          present({ ...command.filters, pageSize: command.limit, maxItems: command.max }),
          call,
        ),
        stderr,
        tty,
      )
    : onePage(
        client.listWorkflowInstances(
          present({ ...command.filters, limit: command.limit, offset: command.offset }),
          call,
        ),
      );
  const renderer = RENDERERS[command.format];
  if (renderer.stream) {
    // The header goes out with the first page, so a failed first request leaves stdout empty.
    let header = renderer.header();
    for await (const page of pages) {
      await output.write(header + renderer.page(page));
      header = "";
    }
    await output.write(header);
    return;
  }
  const instances: WorkflowInstance[] = [];
  for await (const page of pages) instances.push(...page);
  await output.write(renderer.render(instances));
  // A lone header row reads like a broken table; stdout stays the (empty) result for scripts.
  if (command.format === "table" && instances.length === 0) stderr.write("no instances match\n");
}
