package io.pgmcp.db;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the output of {@code EXPLAIN (FORMAT XML)} into {@link PlanNode}s with the JDK's StAX reader,
 * DTDs and external entities off (the text comes from the server; nothing in it may make us read
 * anything else). PostgreSQL writes a field's name as an element with {@code -} for each space
 * ({@code <Node-Type>}); this gives the names back their spaces, as the JSON format spells them.
 */
final class ExplainXml {
    private static final XMLInputFactory FACTORY = factory();

    private ExplainXml() {}

    private static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    /**
     * The top plan node of the first query in {@code xml}.
     *
     * @throws IllegalArgumentException when the text is not XML or holds no plan
     */
    static PlanNode topPlan(String xml) {
        try {
            XMLStreamReader reader = FACTORY.createXMLStreamReader(new StringReader(xml));
            try {
                while (reader.hasNext()) {
                    if (reader.next() == XMLStreamConstants.START_ELEMENT && reader.getLocalName().equals("Plan")) {
                        return plan(reader);
                    }
                }
                throw new IllegalArgumentException("EXPLAIN output without a Plan");
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("EXPLAIN output is not readable XML: " + e.getMessage(), e);
        }
    }

    /** Reads the {@code <Plan>} element the reader is on, up to its end. */
    private static PlanNode plan(XMLStreamReader reader) throws XMLStreamException {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, List<String>> lists = new LinkedHashMap<>();
        List<PlanNode> children = new ArrayList<>();
        while (reader.nextTag() == XMLStreamConstants.START_ELEMENT) {
            String name = reader.getLocalName().replace('-', ' ');
            if (name.equals("Plans")) {
                while (reader.nextTag() == XMLStreamConstants.START_ELEMENT) {
                    children.add(plan(reader));
                }
                continue;
            }
            List<String> values = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            boolean nested = false;
            int depth = 1;
            while (depth > 0) {
                switch (reader.next()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        depth++;
                        nested = true;
                        text.setLength(0);
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        depth--;
                        if (depth > 0 && !text.toString().isBlank()) { // the indentation between elements is no value
                            values.add(text.toString());
                            text.setLength(0);
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> text.append(reader.getText());
                    default -> {}
                }
            }
            if (nested) {
                lists.put(name, values);
            } else {
                fields.put(name, text.toString());
            }
        }
        return new PlanNode(fields, lists, children);
    }
}
