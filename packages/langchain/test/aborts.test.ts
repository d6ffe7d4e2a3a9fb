import { abortContract } from "@otel-agents/testing/contract";
import { aborted, driver } from "./driver.js";

abortContract(driver, aborted());
