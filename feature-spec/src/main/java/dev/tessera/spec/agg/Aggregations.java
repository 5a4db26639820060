package dev.tessera.spec.agg;

import java.util.List;
import java.util.Optional;

/** The aggregations {@code features.yaml} can name. */
public final class Aggregations {

    private static final List<Aggregation> ALL = List.of(Count.INSTANCE, Sum.INSTANCE);

    private Aggregations() {}

    public static Optional<Aggregation> byName(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(Aggregation::name).toList();
    }
}
