package io.pgmcp.audit;

/**
 * Turns SQL into a form safe to keep in the audit log when {@code audit.redact_sql} is on. The
 * lexer-based implementation lives in the {@code sql} package ({@code io.pgmcp.sql.LiteralRedactor}),
 * which sits above this one; the composition root passes it in.
 *
 * <p>Contract: total and fail-closed. Whatever the input, the result holds no literal value of it;
 * an implementation that cannot tell where the literals are returns a fixed placeholder instead of
 * the text. Never throws for a non-null input. Thread-safe.
 */
@FunctionalInterface
public interface SqlRedactor {

    /** {@code sql} with every literal replaced, or a placeholder when it cannot be analysed. */
    String redact(String sql);
}
