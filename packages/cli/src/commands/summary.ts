import type { WorkflowInstance } from "@workflows-kit/client";
import { present, type SummaryCommand } from "../args.js";
import { formatSummaryJson, formatSummaryTable } from "../format/summary.js";
import { withProgress } from "../progress.js";
import { summarize } from "../summary.js";
import type { CommandContext } from "./context.js";

async function* items(pages: AsyncIterable<WorkflowInstance[]>) {
  for await (const page of pages) yield* page;
}

/** `workflows summary`: the whole walk folded into counts and run-time percentiles. */
export async function summary(
  command: SummaryCommand,
  { client, output, stderr, tty, call }: CommandContext,
) {
  const pages = client.iterateWorkflowInstancePages(
    present({ ...command.filters, pageSize: command.limit, maxItems: command.max }),
    call,
  );
  const result = await summarize(items(withProgress(pages, stderr, tty)));
  await output.write(command.format === "json" ? formatSummaryJson(result) : formatSummaryTable(result));
}
