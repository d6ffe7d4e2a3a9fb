// Traceloop registered before ours: ours wraps its wrapper.
import { coexistenceSuite } from "./scenario.js";

coexistenceSuite(["traceloop", "ours"]);
