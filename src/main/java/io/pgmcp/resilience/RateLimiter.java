package io.pgmcp.resilience;

import io.pgmcp.config.ClientIdentifier;
import io.pgmcp.config.RateLimitConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The request and LLM-token budgets ({@code rate_limit}), enforced before the work they pay for.
 *
 * <p><b>Budgets.</b> Each is a fixed window (see {@link WindowCounter}): "{@code N} per minute" means
 * at most {@code N} admissions in each one-minute window, a window opening with the first admission
 * after the previous one closed and closing exactly a minute later, when its count returns to zero.
 * {@link #acquireRequest} counts one request against the global minute and hour windows and the
 * caller's own minute window, all or nothing. {@link #acquireTokens} counts an estimate of an LLM
 * call's tokens against the global token windows before the call; {@link #chargeTokens} then settles
 * the difference from the usage the response reported, in the windows open at that moment: more is
 * charged (possibly past the limit, refusing later calls until the window closes), less is refunded
 * (never below zero; a refund after a window closed lowers the next window instead).
 *
 * <p><b>Over budget.</b> {@code reject} refuses at once. {@code queue} waits in arrival order: a later
 * call never takes capacity an earlier waiter could use (a call held back only by its own client
 * window does not hold back other clients). {@code delay} waits until the call itself fits, in no
 * guaranteed order. Waiting ends after {@code max_queue_wait} with a refusal; a request blocked by a
 * window that closes after that is refused at once, since request capacity only returns when a window
 * closes (token waits last the whole wait: a refund may free capacity). A {@link Admission.Refused}
 * names the budget that blocked (the one closing last when several did) and when its window closes,
 * a positive duration. A waiting call whose {@link Cancellation} fires, or whose thread is interrupted
 * (the flag is restored), leaves at once with {@link Admission.Cancelled} and counts nothing.
 *
 * <p>When {@code enabled} is false every call is granted with no bookkeeping. Per-client windows are
 * dropped once closed, so memory follows the clients of the last minute, not all clients ever seen.
 * Time comes only from the injected {@link Ticker}. Thread-safe; one instance serves the server.
 */
public final class RateLimiter {
    private static final Admission UNLIMITED = new Admission.Granted(Duration.ZERO);

    private final RateLimitConfig config;
    private final Gate requests;
    private final Gate tokens;

    public RateLimiter(RateLimitConfig config, Ticker ticker) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(ticker, "ticker");
        this.requests = new Gate(
                List.of(new WindowCounter(LimitType.REQUESTS_PER_MINUTE, config.requestsPerMinute()),
                        new WindowCounter(LimitType.REQUESTS_PER_HOUR, config.requestsPerHour())),
                new ClientWindows(config.perClientPerMinute()), config.strategy(), config.maxQueueWait(), false,
                ticker);
        this.tokens = new Gate(
                List.of(new WindowCounter(LimitType.TOKENS_PER_MINUTE, config.tokensPerMinute()),
                        new WindowCounter(LimitType.TOKENS_PER_HOUR, config.tokensPerHour())),
                null, config.strategy(), config.maxQueueWait(), true, ticker);
    }

    /**
     * Admits one request from {@code clientId} (see {@link #clientKey}), waiting if the strategy says
     * so.
     *
     * @param cancel fires when the request is cancelled; consulted only if the call waits
     */
    public Admission acquireRequest(String clientId, Cancellation cancel) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(cancel, "cancel");
        return config.enabled() ? requests.acquire(clientId, 1, cancel) : UNLIMITED;
    }

    /**
     * Admits an LLM call estimated at {@code estimatedTokens} (see {@link #estimateTokens}) before it is
     * made. An estimate larger than a whole budget is admitted only into an empty window. After the
     * call, report what it really used with {@link #chargeTokens}.
     *
     * @throws IllegalArgumentException if {@code estimatedTokens} is negative
     */
    public Admission acquireTokens(long estimatedTokens, Cancellation cancel) {
        if (estimatedTokens < 0) {
            throw new IllegalArgumentException("estimatedTokens must not be negative, got " + estimatedTokens);
        }
        Objects.requireNonNull(cancel, "cancel");
        return config.enabled() ? tokens.acquire(null, estimatedTokens, cancel) : UNLIMITED;
    }

    /**
     * Replaces a granted estimate with the real usage: charges {@code actualTokens - estimatedTokens}
     * when positive, refunds it when negative. Calls this may have freed capacity for are admitted.
     * Call it also when the LLM call failed, with the tokens it used (often 0).
     */
    public void chargeTokens(long estimatedTokens, long actualTokens) {
        if (estimatedTokens < 0 || actualTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative, got estimated " + estimatedTokens
                    + " and actual " + actualTokens);
        }
        if (config.enabled()) {
            tokens.adjust(actualTokens - estimatedTokens);
        }
    }

    /**
     * The request budget with the least left for {@code clientId}, for {@code RateLimit-*} headers;
     * empty when rate limiting is disabled. Counts nothing and creates no client window.
     */
    public Optional<RateLimitStatus> status(String clientId) {
        Objects.requireNonNull(clientId, "clientId");
        return config.enabled() ? Optional.of(requests.status(clientId)) : Optional.empty();
    }

    /**
     * What every budget has used in its current window ({@code pg_mcp_rate_limit_current}): the global
     * request and token windows, and for {@code per_client_per_minute} the busiest client's count. All
     * zero when rate limiting is disabled. Counts nothing.
     */
    public java.util.Map<LimitType, Long> usage() {
        java.util.EnumMap<LimitType, Long> usage = new java.util.EnumMap<>(LimitType.class);
        for (LimitType type : LimitType.values()) {
            usage.put(type, 0L);
        }
        if (config.enabled()) {
            requests.usage(usage);
            tokens.usage(usage);
        }
        return usage;
    }

    /**
     * The client id {@code client_identifier} picks for a request: with {@code ip} the remote address,
     * with {@code session} the MCP session, with {@code auto} the authenticated principal when there is one,
     * else the remote address on HTTP and the session on stdio. Without a remote address (stdio) every mode
     * falls back to the session.
     *
     * @param remoteAddress the peer's address on HTTP, null on stdio
     * @param principal     the authenticated caller's name, null without authentication
     */
    public String clientKey(String sessionId, String remoteAddress, String principal) {
        Objects.requireNonNull(sessionId, "sessionId");
        if (principal != null && config.clientIdentifier() == ClientIdentifier.AUTO) {
            return "principal:" + principal;
        }
        boolean byAddress = switch (config.clientIdentifier()) {
            case IP, AUTO -> remoteAddress != null;
            case SESSION -> false;
        };
        return byAddress ? "ip:" + remoteAddress : "session:" + sessionId;
    }

    /** {@link #clientKey(String, String, String)} of an unauthenticated request. */
    public String clientKey(String sessionId, String remoteAddress) {
        return clientKey(sessionId, remoteAddress, null);
    }

    /**
     * A cautious token estimate for {@code prompt}: a quarter token per ASCII character and one per
     * other character (CJK text runs about a token per character), rounded up.
     */
    public static long estimateTokens(String prompt) {
        long ascii = 0;
        long other = 0;
        for (int i = 0; i < prompt.length();) {
            int codePoint = prompt.codePointAt(i);
            if (codePoint < 0x80) {
                ascii++;
            } else {
                other++;
            }
            i += Character.charCount(codePoint);
        }
        return (ascii + 3) / 4 + other;
    }

    /** Re-examines waiting calls against the ticker; tests call it after moving a fake ticker. */
    void recheckWaiters() {
        requests.recheck();
        tokens.recheck();
    }

    /** Calls waiting for a request or token budget. */
    int waiting() {
        return requests.waiting() + tokens.waiting();
    }

    /** Per-client windows currently held. */
    int clientCount() {
        return requests.clientCount();
    }

    @Override
    public String toString() {
        return "RateLimiter[" + config + "]";
    }
}
