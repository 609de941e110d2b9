package io.pgmcp.config;

import java.util.Objects;

/**
 * OpenTelemetry tracing, exported over OTLP (the only exporter) to {@code endpoint}, the collector's
 * base URL ({@code /v1/traces} is appended). Only {@code http/protobuf} can be enabled: the JDK HTTP
 * sender has no gRPC.
 */
public record TracingConfig(boolean enabled, String endpoint, TracingProtocol protocol, double sampleRate,
        String serviceName) {

    public static final String DEFAULT_ENDPOINT = "http://localhost:4318";

    public TracingConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(serviceName, "serviceName");
        if (!(sampleRate >= 0.0 && sampleRate <= 1.0)) {
            throw new IllegalArgumentException("sample_rate " + sampleRate + " is outside 0-1");
        }
        if (serviceName.isBlank()) {
            throw new IllegalArgumentException("service_name must not be blank");
        }
    }

    public static TracingConfig defaults() {
        return new TracingConfig(false, DEFAULT_ENDPOINT, TracingProtocol.HTTP_PROTOBUF, 0.1, "pg-mcp");
    }
}
