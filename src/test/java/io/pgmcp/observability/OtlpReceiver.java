package io.pgmcp.observability;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP trace receiver for tests (JDK HttpServer on a free loopback port) that decodes
 * {@code ExportTraceServiceRequest → ResourceSpans → ScopeSpans → Span} with a minimal protobuf wire
 * reader: ids, parent, name, attributes, status, and the resource's attributes.
 */
public final class OtlpReceiver implements AutoCloseable {
    /** A received span; ids in lower-case hex ("" for no parent). Status code: 0 unset, 1 ok, 2 error. */
    public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name,
            Map<String, Object> attributes,
            int statusCode, String statusMessage, Map<String, Object> resource) {
        public Optional<Object> attribute(String key) {
            return Optional.ofNullable(attributes.get(key));
        }
    }

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<String> rawBodies = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    public static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] body = in.readAllBytes();
                    receiver.paths.add(exchange.getRequestURI().getPath());
                    receiver.rawBodies.add(new String(body, StandardCharsets.ISO_8859_1));
                    receiver.spans.addAll(decode(body));
                    exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, -1);
                } finally {
                    exchange.close();
                }
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The collector base URL to configure as {@code tracing.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** The span named {@code name}; fails unless there is exactly one. */
    public ReceivedSpan span(String name) {
        List<ReceivedSpan> named = spans.stream().filter(s -> s.name().equals(name)).toList();
        if (named.size() != 1) {
            throw new AssertionError("expected one span '" + name + "', got " + named.size() + " in " + names());
        }
        return named.getFirst();
    }

    public List<String> names() {
        return spans.stream().map(ReceivedSpan::name).toList();
    }

    /** Every request body as received (ISO-8859-1 text), to search for strings that must not be there. */
    public String rawText() {
        return String.join("\n", rawBodies);
    }

    public List<String> paths() {
        return List.copyOf(paths);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static List<ReceivedSpan> decode(byte[] request) {
        List<ReceivedSpan> out = new ArrayList<>();
        ProtoReader export = new ProtoReader(request);
        while (export.next()) {
            if (export.field() != 1) {
                export.skip();
                continue;
            }
            ProtoReader resourceSpans = export.message();
            Map<String, Object> resource = Map.of();
            List<byte[]> spanBytes = new ArrayList<>();
            while (resourceSpans.next()) {
                switch (resourceSpans.field()) {
                    case 1 -> resource = attributes(resourceSpans.message(), 1);
                    case 2 -> {
                        ProtoReader scopeSpans = resourceSpans.message();
                        while (scopeSpans.next()) {
                            if (scopeSpans.field() == 2) {
                                spanBytes.add(scopeSpans.bytes());
                            } else {
                                scopeSpans.skip();
                            }
                        }
                    }
                    default -> resourceSpans.skip();
                }
            }
            for (byte[] bytes : spanBytes) {
                out.add(span(new ProtoReader(bytes), resource));
            }
        }
        return out;
    }

    private static ReceivedSpan span(ProtoReader span, Map<String, Object> resource) {
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        Map<String, Object> attributes = new LinkedHashMap<>();
        int statusCode = 0;
        String statusMessage = "";
        while (span.next()) {
            switch (span.field()) {
                case 1 -> traceId = HexFormat.of().formatHex(span.bytes());
                case 2 -> spanId = HexFormat.of().formatHex(span.bytes());
                case 4 -> parent = HexFormat.of().formatHex(span.bytes());
                case 5 -> name = span.string();
                case 9 -> keyValue(span.message(), attributes);
                case 15 -> {
                    ProtoReader status = span.message();
                    while (status.next()) {
                        switch (status.field()) {
                            case 2 -> statusMessage = status.string();
                            case 3 -> statusCode = (int) status.varint();
                            default -> status.skip();
                        }
                    }
                }
                default -> span.skip();
            }
        }
        return new ReceivedSpan(traceId, spanId, parent, name, attributes, statusCode, statusMessage, resource);
    }

    private static Map<String, Object> attributes(ProtoReader message, int field) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        while (message.next()) {
            if (message.field() == field) {
                keyValue(message.message(), attributes);
            } else {
                message.skip();
            }
        }
        return attributes;
    }

    private static void keyValue(ProtoReader keyValue, Map<String, Object> into) {
        String key = null;
        Object value = null;
        while (keyValue.next()) {
            switch (keyValue.field()) {
                case 1 -> key = keyValue.string();
                case 2 -> {
                    ProtoReader any = keyValue.message();
                    while (any.next()) {
                        switch (any.field()) {
                            case 1 -> value = any.string();
                            case 2 -> value = any.varint() != 0;
                            case 3 -> value = any.varint();
                            case 4 -> value = Double.longBitsToDouble(any.fixed64());
                            default -> any.skip();
                        }
                    }
                }
                default -> keyValue.skip();
            }
        }
        if (key != null) {
            into.put(key, value);
        }
    }
}
