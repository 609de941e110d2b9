package io.pgmcp.sql;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pgmcp.db.Catalog;

/** Placeholder during integration; replaced by the lexer-based guard. */
public final class SqlGuard {
    private final AccessPolicy policy;

    public SqlGuard(AccessPolicy policy) {
        this.policy = policy;
    }

    public Verdict check(String sql, Catalog catalog) {
        return new Verdict.Denied(Verdict.Reason.UNSAFE_SQL, "guard not ready " + policy.searchPath() + catalog.size() + sql.length(),
                JsonNodeFactory.instance.objectNode());
    }
}
