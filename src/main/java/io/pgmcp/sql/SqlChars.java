package io.pgmcp.sql;

import java.util.Locale;

/** Character classes of PostgreSQL 15's scanner, and the checks on characters we do not accept. */
final class SqlChars {
    private SqlChars() {}

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static int hexValue(char c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }

    static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** scan.l {@code ident_start}: every byte with the high bit set counts, so every non-ASCII char does. */
    static boolean isIdentStart(char c) {
        return isAsciiLetter(c) || c == '_' || c >= 0x80;
    }

    /** scan.l {@code ident_cont}: like ident_start plus digits and {@code $}. */
    static boolean isIdentCont(char c) {
        return isIdentStart(c) || isDigit(c) || c == '$';
    }

    /** scan.l {@code dolq_cont}: an identifier character except {@code $}. */
    static boolean isDollarTagCont(char c) {
        return isIdentStart(c) || isDigit(c);
    }

    /** scan.l {@code op_chars}. */
    static boolean isOpChar(char c) {
        return switch (c) {
            case '~', '!', '@', '#', '^', '&', '|', '`', '?', '+', '-', '*', '/', '%', '<', '>', '=' -> true;
            default -> false;
        };
    }

    /** Characters PostgreSQL allows in an operator whose last character is {@code +} or {@code -}. */
    static boolean isNonSqlOpChar(char c) {
        return switch (c) {
            case '~', '!', '@', '#', '^', '&', '|', '`', '?', '%' -> true;
            default -> false;
        };
    }

    /** scan.l {@code space}, minus vertical tab, which we reject as a control character. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    static boolean isNewline(char c) {
        return c == '\n' || c == '\r';
    }

    /** True if {@code s} contains {@code word} (lower-case ASCII) at {@code p} ignoring ASCII case only. */
    static boolean regionIsWord(String s, int p, String word) {
        if (p + word.length() > s.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            char c = s.charAt(p + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** PostgreSQL's downcase_identifier for a multibyte encoding: only ASCII A-Z are folded. */
    static String foldAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] = (char) (chars[j] + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return s;
    }

    /** Length of {@code s} in UTF-8 bytes (s has no unpaired surrogates by the time we ask). */
    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isSurrogate(c)) {
                bytes += 2; // each half of a pair: 4 bytes per pair
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Rejects what may never appear in the submitted text, even inside literals: NUL, C0/C1 control
     * characters other than tab, LF, CR and FF, and unpaired UTF-16 surrogates.
     */
    static void checkAllCharacters(String s) throws LexerException {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                if (c == 0) {
                    throw new LexerException("NUL character (U+0000) at offset " + i + " is not allowed", i);
                }
                if (c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                    throw new LexerException("control character " + describe(c) + " at offset " + i
                            + " is not allowed; only tab, line feed, carriage return and form feed may appear", i);
                }
            } else if (c >= 0x7F) {
                if (c <= 0x9F) {
                    throw new LexerException("control character " + describe(c) + " at offset " + i
                            + " is not allowed", i);
                }
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new LexerException("unpaired UTF-16 surrogate " + describe(c) + " at offset " + i
                            + "; the text is not valid Unicode", i);
                }
            }
        }
    }

    /**
     * Applies the rule of {@link #checkAllCharacters} to what escapes decode to, so that the
     * re-emitted literal or name holds no character the submitted text could not hold.
     */
    static void checkDecoded(String value, int start) throws LexerException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || (c >= 0x7F && c <= 0x9F)) {
                throw new LexerException("the escapes of the literal or name starting at offset " + start
                        + " produce control character " + describe(c) + "; only tab, line feed, carriage return and"
                        + " form feed are allowed", start);
            }
        }
    }

    /**
     * Rejects, outside literals and quoted identifiers, the invisible (format) characters, line and
     * paragraph separators and non-ASCII spaces: PostgreSQL would take them as identifier characters,
     * which no reader expects. Call only for {@code s.charAt(i) >= 0x80}.
     */
    static void checkOutsideLiteral(String s, int i) throws LexerException {
        int cp = s.codePointAt(i);
        switch (Character.getType(cp)) {
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
                throw new LexerException("invisible character " + describe(cp) + " at offset " + i
                        + " is not allowed outside string literals and quoted identifiers; remove it", i);
            case Character.SPACE_SEPARATOR ->
                throw new LexerException("non-ASCII space " + describe(cp) + " at offset " + i
                        + " is not allowed outside string literals; use an ordinary space", i);
            default -> {
                // an ordinary identifier character for PostgreSQL
            }
        }
    }

    /** "U+200B (ZERO WIDTH SPACE)". */
    static String describe(int cp) {
        String name = Character.getName(cp);
        String hex = String.format(Locale.ROOT, "U+%04X", cp);
        return name == null ? hex : hex + " (" + name + ")";
    }
}
