// Kept in step with package.json by the release (the instrumentation scope version).
export const VERSION = "0.1.0";
