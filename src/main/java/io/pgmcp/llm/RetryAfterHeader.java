package io.pgmcp.llm;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The wait a server asks for: {@code retry-after-ms} (OpenAI), else {@code Retry-After} as seconds or
 * as an HTTP-date. A date in the past means "now" (zero); anything unreadable means no hint.
 */
final class RetryAfterHeader {

    private RetryAfterHeader() {}

    static Optional<Duration> from(HttpHeaders headers, Instant now) {
        Optional<Duration> millis = headers.firstValue("retry-after-ms").flatMap(RetryAfterHeader::millis);
        return millis.isPresent() ? millis : headers.firstValue("retry-after").flatMap(value -> parse(value, now));
    }

    static Optional<Duration> parse(String value, Instant now) {
        String text = value.strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
            } catch (NumberFormatException tooLong) {
                return Optional.empty();
            }
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> millis(String value) {
        try {
            double ms = Double.parseDouble(value.strip());
            return ms >= 0 && ms < 1e12 ? Optional.of(Duration.ofNanos(Math.round(ms * 1_000_000))) : Optional.empty();
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }
}
