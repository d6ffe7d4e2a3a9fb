// Traceloop registered after ours: it wraps the request method outside ours; the connection puts ours back outside it.
import { coexistenceSuite } from "./scenario.js";

coexistenceSuite(["ours", "traceloop"]);
