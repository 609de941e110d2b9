package io.pgmcp.observability;

/**
 * The metrics endpoint could not be served (its address cannot be bound). Start-up fails with it: an
 * operator who asked for metrics learns it at once, not from a dashboard that stays empty.
 */
public final class MetricsEndpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MetricsEndpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
