package io.pgmcp.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterHeaderTest {
    private static final Instant NOW = Instant.parse("2015-10-21T07:27:30Z");

    private static Optional<Duration> from(Map<String, List<String>> headers) {
        return RetryAfterHeader.from(HttpHeaders.of(headers, (name, value) -> true), NOW);
    }

    @Test
    void secondsAreSeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(12)), RetryAfterHeader.parse(" 12 ", NOW));
    }

    @Test
    void anHttpDateIsMeasuredFromNow() {
        assertEquals(Optional.of(Duration.ofSeconds(90)), RetryAfterHeader.parse("Wed, 21 Oct 2015 07:29:00 GMT", NOW));
    }

    @Test
    void aDateInThePastMeansRetryNow() {
        assertEquals(Optional.of(Duration.ZERO), RetryAfterHeader.parse("Wed, 21 Oct 2015 07:00:00 GMT", NOW));
    }

    @Test
    void unreadableValuesGiveNoHint() {
        assertEquals(Optional.empty(), RetryAfterHeader.parse("soon", NOW));
        assertEquals(Optional.empty(), RetryAfterHeader.parse("-5", NOW));
        assertEquals(Optional.empty(), RetryAfterHeader.parse("", NOW));
        assertEquals(Optional.empty(), RetryAfterHeader.parse("99999999999999999999999", NOW));
    }

    @Test
    void openAisMillisecondHeaderWinsOverSeconds() {
        assertEquals(Optional.of(Duration.ofMillis(1500)),
                from(Map.of("retry-after-ms", List.of("1500"), "retry-after", List.of("2"))));
        assertEquals(Optional.of(Duration.ofSeconds(2)), from(Map.of("Retry-After", List.of("2"))));
        assertEquals(Optional.empty(), from(Map.of()));
    }
}
