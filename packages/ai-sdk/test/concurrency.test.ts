import { concurrencyContract } from "@otel-agents/testing/contract";
import { afterAll } from "vitest";
import { driver, h } from "./driver.js";

afterAll(() => h.shutdown());

concurrencyContract(driver);
