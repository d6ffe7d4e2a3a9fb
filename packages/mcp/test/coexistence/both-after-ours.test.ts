// Both registered after ours: Traceloop's span is active when OpenInference writes _meta, unless the transport sends in ours.
import { coexistenceSuite } from "./scenario.js";

coexistenceSuite(["ours", "traceloop", "openinference"]);
