package io.pgmcp.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.pgmcp.config.TracingConfig;
import io.pgmcp.config.TracingProtocol;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry SDK tracing exported over OTLP/HTTP (protobuf) to {@code endpoint + "/v1/traces"},
 * batched in the background, sampled by a parent-based ratio sampler. The only class of pg-mcp that touches
 * OpenTelemetry: with tracing disabled it is never loaded, and neither is the SDK. Thread-safe.
 */
final class OtlpTracing implements Tracing {
    private static final System.Logger logger = System.getLogger(OtlpTracing.class.getName());
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = (carrier,
            key) -> carrier == null ? null : carrier.get(key);

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    /**
     * @throws IllegalArgumentException for the gRPC protocol, which the JDK HTTP sender cannot speak
     *                                  (configuration validation refuses it first)
     */
    OtlpTracing(TracingConfig config, String version) {
        if (config.protocol() != TracingProtocol.HTTP_PROTOBUF) {
            throw new IllegalArgumentException(
                    "OTLP over " + config.protocol() + " is not supported; use http/protobuf");
        }
        String url = tracesUrl(config.endpoint());
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(url)
                .setTimeout(Duration.ofSeconds(10)).build();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), config.serviceName(),
                AttributeKey.stringKey("service.version"), version)));
        this.provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRate())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        this.tracer = provider.get("io.pgmcp", version);
        URI where = URI.create(url); // logged without any user info the URL may carry
        String shown = where.getScheme() + "://" + where.getHost() + (where.getPort() > 0 ? ":" + where.getPort() : "")
                + where.getPath();
        logger.log(System.Logger.Level.INFO, "tracing: OTLP/HTTP to {0}, sample rate {1}", shown, config.sampleRate());
    }

    /** The collector's base URL as in {@code OTEL_EXPORTER_OTLP_ENDPOINT}, plus the signal path. */
    static String tracesUrl(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return base + "/v1/traces";
    }

    @Override
    public SpanScope root(String name, String traceparent, String tracestate) {
        Context parent = Context.root();
        if (traceparent != null) {
            Map<String, String> carrier = tracestate == null
                    ? Map.of("traceparent", traceparent)
                    : Map.of("traceparent", traceparent, "tracestate", tracestate);
            parent = W3CTraceContextPropagator.getInstance().extract(parent, carrier, MAP_GETTER);
        }
        return open(tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan());
    }

    @Override
    public SpanScope child(String name) {
        return open(tracer.spanBuilder(name).startSpan());
    }

    private static SpanScope open(Span span) {
        return new OtelSpan(span, span.makeCurrent());
    }

    @Override
    public Optional<TraceIds> current() {
        SpanContext context = Span.current().getSpanContext();
        return context.isValid()
                ? Optional.of(new TraceIds(context.getTraceId(), context.getSpanId()))
                : Optional.empty();
    }

    @Override
    public void close() {
        var done = provider.shutdown().join(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (!done.isSuccess()) {
            logger.log(System.Logger.Level.WARNING, "tracing: not every span could be exported at shutdown");
        }
    }

    private record OtelSpan(Span span, Scope scope) implements SpanScope {
        @Override
        public void attribute(String key, String value) {
            span.setAttribute(key, value);
        }

        @Override
        public void attribute(String key, long value) {
            span.setAttribute(key, value);
        }

        @Override
        public void attribute(String key, double value) {
            span.setAttribute(key, value);
        }

        @Override
        public void attribute(String key, boolean value) {
            span.setAttribute(key, value);
        }

        @Override
        public void error(String code) {
            span.setStatus(StatusCode.ERROR, code);
            span.setAttribute("error.type", code);
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }
}
