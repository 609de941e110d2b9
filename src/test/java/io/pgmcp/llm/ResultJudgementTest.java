package io.pgmcp.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ResultJudgementTest {

    @Test
    void onlyAnExplicitFalseIsDoubt() {
        assertEquals(new ResultJudgement(false, "wrong year"),
                ResultJudgement.parse("{\"answers\": false, \"reason\": \"wrong year\"}"));
        assertEquals(new ResultJudgement(false, "no reason given"), ResultJudgement.parse("{\"answers\": false}"));
        assertEquals(new ResultJudgement(true, "no reason given"), ResultJudgement.parse("{\"answers\": \"no\"}"));
        assertEquals(new ResultJudgement(true, "fine"),
                ResultJudgement.parse("{\"answers\": true, \"reason\": \"fine\"}"));
        assertEquals(new ResultJudgement(true, "no reason given"), ResultJudgement.parse(""));
    }

    @Test
    void contentThatIsNotJsonIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ResultJudgement.parse("yes, it does"));
        assertThrows(IllegalArgumentException.class, () -> ResultJudgement.parse(null));
    }
}
