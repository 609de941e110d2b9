package io.pgmcp.config;

import java.util.List;
import java.util.Objects;

/** What the guard lets clients read from one database: schemas, tables, columns, plan limits, extra functions. */
public record AccessPolicyConfig(List<String> allowedSchemas, TableAccessConfig tables, ColumnAccessConfig columns,
        ExplainPolicyConfig explainPolicy, FunctionAccessConfig functions) {

    public static final List<String> DEFAULT_SCHEMAS = List.of("public");

    public AccessPolicyConfig {
        allowedSchemas = List.copyOf(allowedSchemas);
        Objects.requireNonNull(tables, "tables");
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(explainPolicy, "explainPolicy");
        Objects.requireNonNull(functions, "functions");
        if (allowedSchemas.isEmpty()) {
            throw new IllegalArgumentException("allowed_schemas must list at least one schema");
        }
    }

    /** Schema {@code public}, no table or column restrictions, the default EXPLAIN policy. */
    public static AccessPolicyConfig defaults() {
        return new AccessPolicyConfig(DEFAULT_SCHEMAS, TableAccessConfig.defaults(), ColumnAccessConfig.defaults(),
                ExplainPolicyConfig.defaults(), FunctionAccessConfig.defaults());
    }
}
