// Prints one closing line for the whole vitest run ("N passed, N failed, N skipped") from its JSON
// report, so that a CI log says plainly how many tests ran.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "node_modules/.cache/vitest-report.json";
const report = JSON.parse(readFileSync(file, "utf8"));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numTotalTests === 0) {
  console.error("no test ran");
  process.exit(1);
}
