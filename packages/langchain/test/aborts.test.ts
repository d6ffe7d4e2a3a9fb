import { abortContract } from "@otel-agents/testing/contract";
import { driver, failed, firstTurn } from "./driver.js";

// The run fails with the AbortError; the model call had finished, the tool step and the tool
// were cut off. The tool outlives the abort: its late result must not reopen anything.
const [model, tools] = firstTurn(0).children;
abortContract(driver, {
  rejectsBeforeTool: true,
  expected: [
    failed("AbortError", firstTurn(0), [
      model!,
      failed(
        "AbortError",
        tools!,
        tools!.children.map((t) => failed("AbortError", t)),
      ),
    ]),
  ],
});
