import { join } from "node:path";
import protobuf from "protobufjs";
import { packageRoot } from "../server/package-root.js";

/** The OTLP messages the receiver decodes and answers with, from the vendored official .proto files. */
export interface OtlpProtoTypes {
  traceRequest: protobuf.Type;
  traceResponse: protobuf.Type;
  metricsRequest: protobuf.Type;
  metricsResponse: protobuf.Type;
  logsResponse: protobuf.Type;
  /** google.rpc.Status, the body of an OTLP/HTTP error response (not in opentelemetry-proto). */
  status: protobuf.Type;
}

let types: OtlpProtoTypes | undefined;

export function otlpProtoTypes(): OtlpProtoTypes {
  if (types) return types;
  const protoDir = join(packageRoot(), "proto");
  const root = new protobuf.Root();
  // Imports in the .proto files are relative to the proto root ("opentelemetry/proto/...").
  root.resolvePath = (_origin, target) => join(protoDir, target);
  root.loadSync(
    [
      "opentelemetry/proto/collector/trace/v1/trace_service.proto",
      "opentelemetry/proto/collector/metrics/v1/metrics_service.proto",
      "opentelemetry/proto/collector/logs/v1/logs_service.proto",
    ],
    { keepCase: false },
  );
  root.resolveAll();
  const status = new protobuf.Type("Status")
    .add(new protobuf.Field("code", 1, "int32"))
    .add(new protobuf.Field("message", 2, "string"));
  new protobuf.Root().define("google.rpc").add(status);
  types = {
    traceRequest: root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest"),
    traceResponse: root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse"),
    metricsRequest: root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest"),
    metricsResponse: root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse"),
    logsResponse: root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse"),
    status,
  };
  return types;
}

/**
 * Decodes a protobuf request into the OTLP/JSON object shape (lowerCamelCase fields, int64 as
 * strings, enums as numbers) so one normaliser reads both encodings. Bytes come out base64; the
 * normaliser turns trace and span ids into hex.
 */
export function decodeProtobuf(type: protobuf.Type, body: Uint8Array): Record<string, unknown> {
  const message = type.decode(body);
  return type.toObject(message, { longs: String, enums: Number, bytes: String });
}
