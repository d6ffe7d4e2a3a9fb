// OpenInference registered after ours: it wraps the transport send, below our request hook.
import { coexistenceSuite } from "./scenario.js";

coexistenceSuite(["ours", "openinference"]);
