import { idleContract } from "@otel-agents/testing/contract";
import { driver } from "./driver.js";

// Not in this adapter's contract yet: a run whose tool unregisters the provider loses its first
// chat span and the agent's usage (the first model call is reported at the turn's end).
idleContract(driver);
