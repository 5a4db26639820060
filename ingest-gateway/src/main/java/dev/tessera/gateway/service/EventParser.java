package dev.tessera.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits a request body into events: one JSON object, a JSON array of objects, or NDJSON. */
@ApplicationScoped
public class EventParser {

    private final ObjectMapper mapper;

    public EventParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public List<JsonNode> parse(byte[] body, boolean ndjson) {
        return ndjson ? parseLines(body) : parseJson(body);
    }

    private List<JsonNode> parseJson(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(0, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || root.isMissingNode()) {
            throw malformed(0, "the body is empty");
        }
        if (root.isArray()) {
            List<JsonNode> events = new ArrayList<>(root.size());
            root.forEach(events::add);
            return events;
        }
        return List.of(root);
    }

    private List<JsonNode> parseLines(byte[] body) {
        List<JsonNode> events = new ArrayList<>();
        String text = new String(body, StandardCharsets.UTF_8);
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(start, end).trim();
            if (!line.isEmpty()) {
                try {
                    events.add(mapper.readTree(line));
                } catch (JsonProcessingException e) {
                    throw malformed(
                            events.size(), "line is not valid JSON: " + e.getOriginalMessage());
                }
            }
            start = end + 1;
        }
        return events;
    }

    private static InvalidEventsException malformed(int index, String reason) {
        return new InvalidEventsException(
                "the request is not well-formed", List.of(new Violation(index, null, reason)));
    }
}
