package io.pgmcp.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A column as the catalog knows it.
 *
 * @param name        the column name, exactly as stored (case preserved)
 * @param type        {@code format_type} text, e.g. {@code character varying(20)}, {@code integer[]}
 * @param typeName    the base type's name ({@code pg_type.typname}), e.g. {@code varchar}, {@code _int4}
 * @param nullable    false when NOT NULL
 * @param defaultExpr the default expression, if any
 * @param primaryKey  part of the primary key
 * @param unique      covered by a single-column unique constraint or a unique index that is not partial
 * @param foreignKey  the referenced {@code schema.table.column}, if this column alone is a foreign key
 * @param enumValues  the labels when the type is an enum, in order; empty otherwise
 * @param comment     the column comment, if any
 */
public record ColumnInfo(String name, String type, String typeName, boolean nullable, Optional<String> defaultExpr,
        boolean primaryKey, boolean unique, Optional<String> foreignKey, List<String> enumValues,
        Optional<String> comment) {
    public ColumnInfo {
        enumValues = List.copyOf(enumValues);
    }
}
