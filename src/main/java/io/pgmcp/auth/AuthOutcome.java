package io.pgmcp.auth;

import java.util.Objects;
import java.util.Optional;

/** What {@link Authenticator#authenticate} decided about one request. */
public sealed interface AuthOutcome {

    /** The caller is {@code principal}. */
    record Authenticated(Principal principal) implements AuthOutcome {
        public Authenticated {
            Objects.requireNonNull(principal, "principal");
        }
    }

    /**
     * The request is refused: status 401 (error {@code invalid_token}, or none when no credentials were sent) or
     * 403 ({@code insufficient_scope}, with the scope the caller needs). The description never contains the
     * token or a configured secret.
     */
    record Refused(int status, Optional<String> error, String description, Optional<String> scope)
            implements
                AuthOutcome {
        public Refused {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(scope, "scope");
            if (status != 401 && status != 403) {
                throw new IllegalArgumentException("a refusal is 401 or 403, not " + status);
            }
        }

        static Refused invalidToken(String description) {
            return new Refused(401, Optional.of("invalid_token"), description, Optional.empty());
        }
    }
}
