package io.pgmcp.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Where the answer to one inbound message goes. Exactly one of {@link #respond} or {@link #drop}
 * is called per slot. A single message's slot writes straight away; a batch's slots collect, and
 * the batch leaves as one array when its last slot is filled.
 */
interface ReplySlot {

    void respond(ObjectNode response);

    /**
     * Responds to a message refused before it ran; a transport with a status per message (HTTP)
     * answers with {@code httpStatus}, others ignore it.
     */
    default void respond(ObjectNode response, int httpStatus) {
        respond(response);
    }

    /** The message gets no answer (it was cancelled). */
    void drop();

    /** @return a slot that sends the response by itself */
    static ReplySlot direct(Outbound out) {
        return new ReplySlot() {
            @Override
            public void respond(ObjectNode response) {
                out.answer(response);
            }

            @Override
            public void respond(ObjectNode response, int httpStatus) {
                out.answer(response, httpStatus);
            }

            @Override
            public void drop() {
                out.unanswered();
            }
        };
    }

    /** The slots of one batch; thread-safe. */
    final class Batch {
        private final AtomicReferenceArray<ObjectNode> responses;
        private final AtomicInteger pending;
        private final Outbound out;

        /** @param size how many members of the batch need an answer (requests and invalid messages) */
        Batch(int size, Outbound out) {
            this.responses = new AtomicReferenceArray<>(size);
            this.pending = new AtomicInteger(size);
            this.out = out;
        }

        ReplySlot slot(int index) {
            return new ReplySlot() {
                @Override
                public void respond(ObjectNode response) {
                    responses.set(index, response);
                    completed();
                }

                @Override
                public void drop() {
                    completed();
                }
            };
        }

        private void completed() {
            if (pending.decrementAndGet() != 0) {
                return;
            }
            ArrayNode array = JsonRpc.NODES.arrayNode();
            for (int i = 0; i < responses.length(); i++) {
                ObjectNode response = responses.get(i);
                if (response != null) {
                    array.add(response);
                }
            }
            if (!array.isEmpty()) {
                out.answer(array);
            } else {
                out.unanswered();
            }
        }
    }
}
