package dev.tessera.spec.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Merging stored tiles gives what the events themselves give, for every rolling feature of the
 * example spec, at any request time from the newest event on, whatever the disorder.
 */
class RollingTilesPropertyTest {

    static final FeatureSpec SPEC = SpecParser.parse(Path.of("../features.yaml"));
    static final long HOUR = 3_600_000;

    @Property(tries = 200)
    void tilesMergeToTheEventsOwnValue(
            @ForAll("transactions") List<Event> events,
            @ForAll @LongRange(min = 0, max = 2 * HOUR) long readDelay) {
        Reference.Result result = new Reference(SPEC).run(events);
        StoreModel store = result.store(SPEC);
        long asOf = events.stream().mapToLong(Event::eventTime).max().orElse(0) + readDelay;

        for (Feature feature : rollingFeatures()) {
            for (String user : List.of("a", "b")) {
                assertThat(store.rollingValue(user, feature.name(), asOf))
                        .as("%s of %s", feature.name(), user)
                        .isEqualTo(result.rollingValue(SPEC, user, feature.name(), asOf));
            }
        }
    }

    @Provide
    Arbitrary<List<Event>> transactions() {
        Arbitrary<Event> event =
                Combinators.combine(
                                Arbitraries.of("a", "b"),
                                Arbitraries.longs().between(0, 3 * HOUR),
                                Arbitraries.doubles().between(0, 500).ofScale(2),
                                Arbitraries.of("books", "games", "food", "travel"))
                        .as(
                                (user, ts, amount, merchant) ->
                                        new Event(
                                                "transactions",
                                                user,
                                                ts,
                                                Map.of(
                                                        "user_id", user,
                                                        "amount", amount,
                                                        "merchant", merchant,
                                                        "ts", ts)));
        return event.list().ofMaxSize(80);
    }

    private static List<Feature> rollingFeatures() {
        List<Feature> rolling = new ArrayList<>();
        SPEC.groups().forEach(group -> rolling.addAll(group.rollingFeatures()));
        return rolling;
    }
}
