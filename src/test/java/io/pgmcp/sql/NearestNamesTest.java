package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** "Did you mean ...?" candidates: near by edit distance, ignoring case, bounded, at most three. */
class NearestNamesTest {
    @Test
    void theBoundGrowsWithTheLengthOfTheName() {
        assertEquals(List.of(), NearestNames.of("ab", List.of("xy")));
        assertEquals(List.of("id"), NearestNames.of("ie", List.of("id", "name")));
        assertEquals(List.of(), NearestNames.of("xyz", List.of("status", "total")), "far names are no help");
        assertEquals(List.of("customer_id"), NearestNames.of("custmer_ids", List.of("customer_id", "created_at")));
    }

    @Test
    void ignoresCaseAndNeverSuggestsTheNameItself() {
        assertEquals(List.of("Orders"), NearestNames.of("ORDRS", List.of("Orders", "users")));
        assertEquals(List.of("orders"), NearestNames.of("Orders", List.of("orders")),
                "a quoted \"Orders\" is another table");
        assertEquals(List.of(), NearestNames.of("status", List.of("status")));
    }

    @Test
    void atMostThreeNearestFirstThenAlphabetical() {
        assertEquals(List.of("cat", "a_cats"), NearestNames.of("cats", List.of("a_cats", "cat", "dogs")));
        assertEquals(List.of("bats", "cars", "cat"),
                NearestNames.of("cats", List.of("dogs", "coats", "cat", "cars", "bats")));
    }
}
