// Both registered before ours.
import { coexistenceSuite } from "./scenario.js";

coexistenceSuite(["openinference", "traceloop", "ours"]);
