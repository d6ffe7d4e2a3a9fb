import type { AttributeValue } from "@opentelemetry/api";

/** Whether a span or metric attribute value has the registry type. */
export function typeMatches(type: string, value: AttributeValue): boolean {
  switch (type) {
    case "string":
    case "template[string]":
      return typeof value === "string";
    case "int":
      return typeof value === "number" && Number.isInteger(value);
    case "double":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "any":
      // Structured values are JSON strings on spans (JS span attributes cannot nest).
      if (typeof value !== "string") return false;
      try {
        JSON.parse(value);
        return true;
      } catch {
        return false;
      }
    default:
      return false;
  }
}
