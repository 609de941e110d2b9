package io.pgmcp.mcp;

import io.pgmcp.config.HttpConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The DNS-rebinding defence of the HTTP transport. A web page that rebinds its own name to
 * 127.0.0.1 reaches the server with its own name in {@code Host} and its own origin in
 * {@code Origin}; both are checked here.
 *
 * <p><b>Host</b> must name the listener: {@code localhost}, {@code 127.0.0.1}, {@code [::1]} or the
 * configured host, with the bound port (or without a port). On a wildcard bind ({@code 0.0.0.0},
 * {@code ::}) the names clients use are unknown, so Host is not checked there — such a bind requires
 * bearer tokens, which a rebinding page does not have. <b>Origin</b>, when present (browsers send it;
 * other clients usually do not), must be one of {@code allowed_origins}, compared without case and
 * without a trailing slash. Immutable, thread-safe.
 */
final class OriginPolicy {

    private final Set<String> hosts;
    private final Set<String> origins;
    private final boolean anyHost;

    OriginPolicy(HttpConfig config, int boundPort) {
        String configured = config.host().toLowerCase(Locale.ROOT);
        this.anyHost = configured.equals("0.0.0.0") || configured.equals("::") || configured.equals("[::]");
        String bracketed = configured.contains(":") && !configured.startsWith("[")
                ? "[" + configured + "]"
                : configured;
        this.hosts = List.of("localhost", "127.0.0.1", "[::1]", bracketed).stream()
                .flatMap(name -> List.of(name, name + ":" + boundPort).stream())
                .collect(Collectors.toUnmodifiableSet());
        this.origins = config.allowedOrigins().stream().map(OriginPolicy::normalise)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** @param host the {@code Host} header, or null when absent (HTTP/1.0): refused */
    boolean allowsHost(String host) {
        return anyHost || host != null && hosts.contains(host.strip().toLowerCase(Locale.ROOT));
    }

    /** @param origin the {@code Origin} header, or null when absent: allowed (not a browser) */
    boolean allowsOrigin(String origin) {
        return origin == null || origins.contains(normalise(origin));
    }

    private static String normalise(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
