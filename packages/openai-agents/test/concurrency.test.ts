import { concurrencyContract } from "@otel-agents/testing/contract";
import { driver } from "./driver.js";

concurrencyContract(driver);
