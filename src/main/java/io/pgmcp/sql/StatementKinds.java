package io.pgmcp.sql;

import java.util.Locale;
import net.sf.jsqlparser.statement.Statement;

/** Names a parsed statement the way a user wrote it (INSERT, DROP TABLE, SET, ...), for refusals. */
final class StatementKinds {

    private StatementKinds() {}

    static String describe(Statement statement) {
        String simple = statement.getClass().getSimpleName().replace("Statement", "");
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < simple.length(); i++) {
            char c = simple.charAt(i);
            if (i > 0 && Character.isUpperCase(c) && !Character.isUpperCase(simple.charAt(i - 1))) {
                words.append(' ');
            }
            words.append(c);
        }
        String kind = words.toString().toUpperCase(Locale.ROOT).strip();
        return kind.isEmpty() ? "this statement" : kind;
    }
}
