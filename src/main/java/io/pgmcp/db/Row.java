package io.pgmcp.db;

import java.util.List;

/**
 * The current row of a {@link SqlSession#query}, read by 1-based column index. Valid only inside the
 * handler it was given to. A SQL NULL reads as null for the object types, and as 0 or false for the
 * primitive ones.
 */
public interface Row {
    String text(int column) throws DatabaseException;

    long int8(int column) throws DatabaseException;

    short int2(int column) throws DatabaseException;

    double float8(int column) throws DatabaseException;

    boolean bool(int column) throws DatabaseException;

    /** A {@code text[]} (or {@code name[]}) column, one dimension; null for NULL. */
    List<String> textArray(int column) throws DatabaseException;

    /** An {@code int2[]} or {@code int2vector} column, one dimension; null for NULL. */
    List<Short> int2Array(int column) throws DatabaseException;
}
