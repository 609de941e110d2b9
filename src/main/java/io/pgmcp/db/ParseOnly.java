package io.pgmcp.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Query;
import org.postgresql.core.QueryExecutor;
import org.postgresql.core.ResultHandlerBase;
import org.postgresql.core.SqlCommand;
import org.postgresql.core.SqlCommandType;
import org.postgresql.jdbc.PreferQueryMode;
import org.postgresql.util.PSQLException;

/**
 * Asks PostgreSQL's grammar about one statement without any way for the statement to run. Three
 * independent walls, so that no single one (least of all the driver) is trusted:
 *
 * <ol>
 * <li>The statement is sent as {@code PREPARE pg_mcp_grammar_check AS <statement>}. Parse analysis
 *     of a PREPARE is deferred to its execution, so the server runs only its raw grammar on the
 *     text: no name is looked up (no oracle for what exists), no lock is taken, no function is
 *     called. Even if this text were executed, it would only prepare the statement, never run it.</li>
 * <li>Only the extended protocol's Parse and Describe(statement) messages are sent, then Sync:
 *     never Bind or Execute ({@link #describeOnly}). A server executes nothing without Execute.</li>
 * <li>It runs inside pg-mcp's read-only transaction with a short statement timeout, and
 *     the session reset afterwards (see {@link ReadOnlyTransaction}); PostgreSQL refuses a Parse
 *     message holding more than one statement, and so does {@link Database#requireOneStatement}.</li>
 * </ol>
 */
final class ParseOnly {
    static final String WRAPPER = "PREPARE pg_mcp_grammar_check AS ";

    private ParseOnly() {}

    /**
     * The grammar's verdict on {@code statement}; positions are relative to it.
     *
     * @throws SQLException when PostgreSQL did not answer about the grammar (connection, timeout,
     *                      resources, or a refusal of pg-mcp's own, as for several statements)
     */
    static GrammarCheck grammar(Connection connection, String statement) throws SQLException {
        try {
            describeOnly(connection, WRAPPER + statement);
            return new GrammarCheck.Accepted();
        } catch (PSQLException e) {
            if (e.getServerErrorMessage() == null || !isAboutTheText(e.getSQLState())) {
                throw e;
            }
            SqlFailure failure = SqlFailure.of(e, false);
            Integer position = failure.position() == null || failure.position() <= WRAPPER.length()
                    ? null
                    : failure.position() - WRAPPER.length();
            return new GrammarCheck.Rejected(failure.sqlState(), failure.message(), position, failure.hint());
        }
    }

    /**
     * What the raw grammar raises: syntax errors and the like (class 42), unsupported syntax
     * (0A000), malformed literals (class 22). Everything else — resources, timeouts, connections — is
     * not an answer about the text.
     */
    private static boolean isAboutTheText(String sqlState) {
        return sqlState != null && (sqlState.startsWith("42") || sqlState.startsWith("22") || sqlState.equals("0A000"));
    }

    /**
     * Sends {@code text} as Parse + Describe(statement) + Sync on the unnamed statement, nothing else.
     * pgjdbc's public {@code prepareStatement(...).getParameterMetaData()} sends the same messages, but
     * rewrites {@code ?} to {@code $1} and {@code ??} to {@code ?} and applies JDBC escapes first; this
     * sends the text exactly as given. Refuses, before sending anything, a connection in the simple
     * query mode (pgjdbc would then send the text as a Query message, which executes it) and text that
     * pgjdbc's splitter reads as several statements.
     *
     * @throws SQLException PostgreSQL's error for the text, or the refusals above
     */
    static void describeOnly(Connection connection, String text) throws SQLException {
        QueryExecutor executor = connection.unwrap(BaseConnection.class).getQueryExecutor();
        if (executor.getPreferQueryMode() == PreferQueryMode.SIMPLE) {
            throw new SQLException("a parse-only check needs the extended query protocol; with preferQueryMode="
                    + executor.getPreferQueryMode().value() + " pgjdbc would execute the text", "0A000");
        }
        Database.requireOneStatement(connection, text);
        Query query = executor.wrap(List.of(new NativeQuery(text, new int[0], false,
                SqlCommand.createStatementTypeInfo(SqlCommandType.BLANK))));
        try {
            executor.execute(query, null, new DescribeHandler(), 0, 0,
                    QueryExecutor.QUERY_ONESHOT | QueryExecutor.QUERY_DESCRIBE_ONLY
                            | QueryExecutor.QUERY_SUPPRESS_BEGIN);
        } finally {
            query.close();
        }
    }

    /** Collects the server's error (thrown by pgjdbc at the end); the statement description is not needed. */
    private static final class DescribeHandler extends ResultHandlerBase {
        @Override
        public void handleWarning(SQLWarning warning) {
            // notices of the parse are of no use here
        }
    }
}
