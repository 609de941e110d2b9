package io.pgmcp.sql;

import io.pgmcp.audit.SqlRedactor;
import java.util.List;
import java.util.Objects;

/**
 * {@code audit.redact_sql}: SQL with every literal value replaced by {@code ?}, found by our own
 * PostgreSQL-faithful {@link Lexer} rather than by pattern matching, so that no quoting trick
 * ({@code E'\''}, {@code U&'...' UESCAPE}, {@code $tag$...$tag$}, strings continued over lines)
 * hides a value.
 *
 * <p>Replaced by {@code ?}: every string literal of any quoting (standard, {@code E}, {@code U&},
 * {@code N}, dollar-quoted; a continued string and a {@code UESCAPE} clause count as one), every bit
 * string ({@code B'...'}, {@code X'...'}) and every number. Comments are dropped (replaced by a
 * space), since they can hold values too. Identifiers, keywords, operators, parameters and
 * whitespace stay as written, so the query's shape remains readable.
 *
 * <p>Fails closed: text the lexer rejects becomes {@value #UNPARSEABLE} as a whole. Stateless and
 * thread-safe.
 */
public final class LiteralRedactor implements SqlRedactor {
    /** What SQL the lexer cannot read is replaced with. */
    public static final String UNPARSEABLE = "<unparseable SQL redacted>";

    @Override
    public String redact(String sql) {
        Objects.requireNonNull(sql, "sql");
        List<Token> tokens;
        try {
            tokens = Lexer.tokenize(sql);
        } catch (LexerException e) {
            return UNPARSEABLE;
        }
        StringBuilder redacted = new StringBuilder(sql.length());
        int copied = 0;
        for (Token token : tokens) {
            redacted.append(sql, copied, token.start()); // only whitespace lies between tokens
            redacted.append(switch (token.kind()) {
                case STRING, BIT_STRING, NUMBER -> "?";
                case COMMENT -> " ";
                default -> token.text();
            });
            copied = token.end();
        }
        redacted.append(sql, copied, sql.length());
        return redacted.toString();
    }
}
