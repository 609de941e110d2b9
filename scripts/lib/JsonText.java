import java.util.Locale;

/**
 * Text as the inside of a JSON string, for the bench programs' JSON lines. Compiled by scripts/bench. Public: a
 * program run from source lives in the launcher's own class loader, so package-private access fails at run time.
 */
public final class JsonText {
    private JsonText() {
    }

    public static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
