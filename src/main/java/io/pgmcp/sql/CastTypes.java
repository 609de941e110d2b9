package io.pgmcp.sql;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.EnumType;
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

    /** PostgreSQL's own names of the types the SQL standard spells with keywords, as an unaliased cast is named by. */
    private static final java.util.Map<String, String> INTERNAL_NAMES = java.util.Map.ofEntries(
            java.util.Map.entry("int", "int4"), java.util.Map.entry("integer", "int4"),
            java.util.Map.entry("smallint", "int2"),
            java.util.Map.entry("bigint", "int8"), java.util.Map.entry("real", "float4"),
            java.util.Map.entry("float", "float8"),
            java.util.Map.entry("double precision", "float8"), java.util.Map.entry("decimal", "numeric"),
            java.util.Map.entry("boolean", "bool"), java.util.Map.entry("char", "bpchar"),
            java.util.Map.entry("character", "bpchar"),
            java.util.Map.entry("character varying", "varchar"), java.util.Map.entry("time without time zone", "time"),
            java.util.Map.entry("time with time zone", "timetz"),
            java.util.Map.entry("timestamp without time zone", "timestamp"),
            java.util.Map.entry("timestamp with time zone", "timestamptz"),
            java.util.Map.entry("bit varying", "varbit"));

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

    /** Whether {@code name} (folded, words separated by one space, without a type modifier) is a built-in type a query may cast to. */
    static boolean isBuiltin(String name) {
        return BUILTIN.contains(name);
    }

    /**
     * The name PostgreSQL gives the output column of a cast whose operand has no name of its own
     * ({@code SELECT int '7'} is {@code int4}): the type's internal name for a keyword spelling, else
     * the last part of the type name as written (folded).
     */
    static String outputName(ColDataType type) {
        String written = type.getDataType().strip();
        String modifier = written.replaceAll("^[^(]*\\(\\s*([0-9]+).*$", "$1");
        String name = written.replaceAll("\\([^)]*\\)", " ").strip().replaceAll("\\s+", " ");
        String[] parts = name.split("\\.");
        String last = Names.fold(parts[parts.length - 1].strip());
        boolean keyword = parts.length == 1 && !parts[0].startsWith("\""); // unqualified and unquoted: maybe an SQL keyword type
        if (keyword && last.equals("float") && !modifier.equals(written)) {
            return Integer.parseInt(modifier) <= 24 ? "float4" : "float8"; // float(p): real up to 24 bits of precision
        }
        return keyword ? INTERNAL_NAMES.getOrDefault(last, last) : last;
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
