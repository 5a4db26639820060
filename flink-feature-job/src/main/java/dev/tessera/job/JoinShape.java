package dev.tessera.job;

import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a join operator needs of its {@link Join}, serializable: the key fields, which fields of a
 * right event it adds to a left one and under which names.
 */
final class JoinShape implements Serializable {

    private static final long serialVersionUID = 1L;

    final String name;
    final String leftStream;
    final String rightStream;
    private final List<String> on;

    /** Right field name to output field name, in declaration order. */
    private final Map<String, String> carried;

    private JoinShape(Join join) {
        this.name = join.name();
        this.leftStream = join.left().name();
        this.rightStream = join.right().name();
        this.on = List.copyOf(join.on());
        Map<String, String> fields = new LinkedHashMap<>();
        Stream right = join.right();
        for (Field field : right.fields()) {
            String f = field.name();
            boolean asOfValidity = join instanceof Join.AsOf && f.equals(right.timeField());
            if (!on.contains(f) && !asOfValidity) {
                fields.put(f, join.rightField(f));
            }
        }
        this.carried = fields;
    }

    static JoinShape of(Join join) {
        return new JoinShape(join);
    }

    /** The join key of an event of either side: its {@code on} values. */
    String key(StreamEvent event) {
        if (on.size() == 1) {
            return String.valueOf(event.fields().get(on.get(0)));
        }
        StringBuilder key = new StringBuilder();
        for (String field : on) {
            // A unit separator: key values are ids, which do not contain it.
            key.append(event.fields().get(field)).append('\u001f');
        }
        return key.toString();
    }

    /**
     * The left event with the right one's fields (or {@code defaults}, by right field name), plus
     * {@code extra} output fields.
     */
    StreamEvent enrich(StreamEvent left, Map<String, Object> right, Map<String, Object> extra) {
        Map<String, Object> fields = new HashMap<>(left.fields());
        carried.forEach(
                (rightName, outputName) -> {
                    Object value = right.get(rightName);
                    if (value != null) {
                        fields.put(outputName, value);
                    }
                });
        fields.putAll(extra);
        return new StreamEvent(left.entityId(), left.eventTime(), fields);
    }
}
