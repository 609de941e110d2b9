package io.pgmcp.config;

/** OTLP transport for traces: {@code grpc} (port 4317 by convention) or {@code http/protobuf} (4318). */
public enum TracingProtocol {
    GRPC("grpc"), HTTP_PROTOBUF("http/protobuf");

    private final String value;

    TracingProtocol(String value) {
        this.value = value;
    }

    /** The spelling used in the config file and by OpenTelemetry's {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
