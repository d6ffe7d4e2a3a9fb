// OpenInference registered before ours.
import { coexistenceSuite } from "./scenario.js";

coexistenceSuite(["openinference", "ours"]);
