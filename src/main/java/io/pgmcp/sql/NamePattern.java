package io.pgmcp.sql;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A glob over {@code table.column} (or any dotted name): {@code *} matches any run of characters,
 * {@code ?} one character; matching ignores ASCII case. Immutable.
 */
public record NamePattern(String glob, Pattern regex) {

    public static NamePattern of(String glob) {
        StringBuilder re = new StringBuilder(glob.length() + 8);
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new NamePattern(glob,
                Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
    }

    public boolean matches(String name) {
        return regex.matcher(name.toLowerCase(Locale.ROOT)).matches() || regex.matcher(name).matches();
    }
}
