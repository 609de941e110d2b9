package io.pgmcp.sql;

import io.pgmcp.db.Catalog;
import io.pgmcp.db.EnumType;
import java.util.Set;
import net.sf.jsqlparser.statement.create.table.ColDataType;

/**
 * The types a query may cast to: PostgreSQL's ordinary scalar types (and arrays of them) and the
 * enum types of allowed schemas. Everything else is refused — notably the {@code reg*} types, which
 * look names up in the catalogue, and table row types, which can carry whole rows. Immutable.
 */
final class CastTypes {
    private static final Set<String> BUILTIN = Set.of(
            "smallint", "int2", "integer", "int", "int4", "bigint", "int8", "real", "float4", "double precision",
            "float8", "float", "numeric", "decimal", "money", "boolean", "bool", "text", "varchar", "character varying",
            "char", "character", "bpchar", "name", "citext", "date", "time", "timetz", "time with time zone",
            "time without time zone", "timestamp", "timestamptz", "timestamp with time zone",
            "timestamp without time zone", "interval", "json", "jsonb", "jsonpath", "uuid", "bytea", "inet", "cidr",
            "macaddr", "macaddr8", "bit", "varbit", "bit varying", "tsvector", "tsquery", "int4range", "int8range",
            "numrange", "tsrange", "tstzrange", "daterange", "int4multirange", "int8multirange", "nummultirange",
            "tsmultirange", "tstzmultirange", "datemultirange", "point", "line", "lseg", "box", "path", "polygon",
            "circle", "unknown");

    private final Catalog catalog;
    private final AccessPolicy policy;

    CastTypes(Catalog catalog, AccessPolicy policy) {
        this.catalog = catalog;
        this.policy = policy;
    }

    boolean allows(ColDataType type) {
        if (type == null || type.getDataType() == null) {
            return false;
        }
        String written = type.getDataType().strip();
        int paren = written.indexOf('(');
        if (paren >= 0) {
            written = written.substring(0, paren).strip();
        }
        String[] parts = written.split("\\.");
        if (parts.length > 2) {
            return false;
        }
        String name = Names.fold(parts[parts.length - 1]).replaceAll("\\s+", " ");
        if (parts.length == 2) {
            String schema = Names.fold(parts[0]);
            if (schema.equals("pg_catalog")) {
                return BUILTIN.contains(name);
            }
            return isEnum(schema, name);
        }
        if (BUILTIN.contains(name)) {
            return true;
        }
        for (String schema : policy.searchPath()) {
            if (isEnum(schema, name)) {
                return true;
            }
        }
        return false;
    }

    private boolean isEnum(String schema, String name) {
        if (!policy.schemaAllowed(schema)) {
            return false;
        }
        for (EnumType type : catalog.enums()) {
            if (type.schema().equals(schema) && type.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
