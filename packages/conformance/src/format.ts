import { type CheckResult, counted, type Verdict } from "./checks.js";
import type { ProbeReport } from "./probe.js";

/** How many checks got each verdict. */
export function verdictCounts(report: Pick<ProbeReport, "checks">): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { confirmed: 0, contradicted: 0, inconclusive: 0 };
  for (const check of report.checks) counts[check.verdict]++;
  return counts;
}

const requestLine = (r: CheckResult["evidence"]["requests"][number]) =>
  `${r.method} ${r.url} → ${r.status === 0 ? "no answer" : r.status}`;

function summaryLine(report: ProbeReport): string {
  const counts = verdictCounts(report);
  const traffic =
    report.source === "har"
      ? `${counted(report.requests, "recorded request")} checked${report.server ? ` (from ${report.server})` : ""}, ${counted(report.ignored, "other entry", "other entries")} ignored`
      : `${counted(report.requests, "request")} sent to ${report.server}`;
  const unit =
    report.offsetUnit === null ? "offset unit not determined" : `offset counts ${report.offsetUnit}`;
  return `${counts.confirmed} confirmed, ${counts.contradicted} contradicted, ${counts.inconclusive} inconclusive; ${traffic}; ${unit}`;
}

/** One line per check (verdict, id, why), then the evidence of each contradiction, then a summary. */
export function formatProbeTable(report: ProbeReport): string {
  const idWidth = Math.max(5, ...report.checks.map((c) => c.id.length));
  const lines = [`${"verdict".padEnd(12)}  ${"check".padEnd(idWidth)}  evidence`];
  for (const check of report.checks) {
    lines.push(`${check.verdict.padEnd(12)}  ${check.id.padEnd(idWidth)}  ${check.evidence.reason}`);
  }
  const contradicted = report.checks.filter((c) => c.verdict === "contradicted");
  if (contradicted.length > 0) {
    lines.push("", "Contradicted:");
    for (const check of contradicted) {
      lines.push(`  ${check.id}: the spec says: ${check.statement}`);
      lines.push(`    ${check.evidence.reason}`);
      for (const request of check.evidence.requests) lines.push(`    ${requestLine(request)}`);
      if (check.evidence.excerpt) lines.push(`    excerpt: ${check.evidence.excerpt}`);
    }
  }
  lines.push("", summaryLine(report));
  if (report.stopped) lines.push(`The probe ended early: ${report.stopped.replace(/^not run: /, "")}.`);
  return `${lines.join("\n")}\n`;
}

/** `{ checks, offsetUnit, requests, source, server, ignored, stopped? }`, pretty-printed (the HAR is left out). */
export function formatProbeJson(report: ProbeReport): string {
  const { checks, offsetUnit, requests, source, server, ignored, stopped } = report;
  const out = {
    checks,
    offsetUnit,
    requests,
    source,
    server,
    ignored,
    ...(stopped === undefined ? {} : { stopped }),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

// XML 1.0 allows no control characters but tab, LF and CR, even escaped.
const xml = (text: string) =>
  text
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");

/** JUnit XML for CI dashboards: one testcase per check; contradicted is a failure, inconclusive skipped. */
export function formatProbeJunit(report: ProbeReport): string {
  const counts = verdictCounts(report);
  const totals = `tests="${report.checks.length}" failures="${counts.contradicted}" errors="0" skipped="${counts.inconclusive}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="workflows probe" ${totals}>`,
    `  <testsuite name="workflows probe (${report.source})" ${totals}>`,
    "    <properties>",
    `      <property name="offsetUnit" value="${report.offsetUnit ?? "unknown"}"/>`,
    `      <property name="requests" value="${report.requests}"/>`,
    `      <property name="server" value="${xml(report.server ?? "")}"/>`,
    "    </properties>",
  ];
  for (const check of report.checks) {
    const open = `    <testcase classname="workflows.probe" name="${xml(check.id)}">`;
    const statement = `      <system-out>${xml(check.statement)}</system-out>`;
    if (check.verdict === "confirmed") {
      lines.push(open, statement, "    </testcase>");
    } else if (check.verdict === "inconclusive") {
      lines.push(
        open,
        `      <skipped message="${xml(check.evidence.reason)}"/>`,
        statement,
        "    </testcase>",
      );
    } else {
      const details = [
        ...check.evidence.requests.map(requestLine),
        ...(check.evidence.excerpt ? [`excerpt: ${check.evidence.excerpt}`] : []),
      ];
      lines.push(
        open,
        `      <failure type="contradicted" message="${xml(check.evidence.reason)}">${xml(details.join("\n"))}</failure>`,
        statement,
        "    </testcase>",
      );
    }
  }
  lines.push("  </testsuite>", "</testsuites>");
  return `${lines.join("\n")}\n`;
}
