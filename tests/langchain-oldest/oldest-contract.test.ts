import { abortContract, concurrencyContract } from "@otel-agents/testing/contract";
import { aborted, driver } from "../../packages/langchain/test/driver.js";

// The contract facets whose packages/langchain files this suite leaves out (their other tests need
// newer LangChain): the driver gives the trees of these versions, its runs mark the agent by the
// call's metadata (langchain 1.0.x marks none).
abortContract(driver, aborted());
concurrencyContract(driver);
