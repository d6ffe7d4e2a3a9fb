import { idleContract } from "@otel-agents/testing/contract";
import { afterAll } from "vitest";
import { driver, firstTurn, h } from "./driver.js";

afterAll(() => h.shutdown());

// The second model call starts after the provider went away: not recorded, and nothing of it
// reaches the agent span it passes through.
idleContract(driver, { providerGone: [firstTurn(0)] });
