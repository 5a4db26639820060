package dev.tessera.spec.avro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

class AvroSchemasTest {

    @Test
    void featureUpdatesRoundTripWithValuesOfEveryTypeAndTiles() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("count", 3L);
        values.put("sum", 1.5);
        values.put("first", "books");
        values.put("flag", true);
        values.put("last_n", List.of("a", "b"));
        values.put("avg", null);
        FeatureUpdate update = FeatureUpdate.values("user", "u1", "g", 300_000, 3, values);
        assertThat(AvroSchemas.fromAvro(AvroSchemas.toAvro(update))).isEqualTo(update);

        FeatureUpdate tile =
                FeatureUpdate.tile(
                        "user",
                        "u1",
                        "g",
                        61_000,
                        2,
                        new FeatureUpdate.Tile(60_000, Map.of("sum", new byte[] {1, 2})));
        FeatureUpdate back = AvroSchemas.fromAvro(AvroSchemas.toAvro(tile));
        assertThat(back.tile().start()).isEqualTo(60_000);
        assertThat(back.tile().partials().get("sum")).containsExactly(1, 2);
        assertThat(back.version()).isEqualTo(2);
    }

    @Test
    void recordsOfTheFirstSchemaVersionReadWithTheDefaultsOfLaterFields() {
        Schema first =
                new Schema.Parser()
                        .parse(
                                """
                                {"type": "record", "name": "FeatureUpdate", "namespace": "dev.tessera.features",
                                 "fields": [
                                   {"name": "entity", "type": "string"},
                                   {"name": "entity_id", "type": "string"},
                                   {"name": "group", "type": "string"},
                                   {"name": "event_time", "type": "long"},
                                   {"name": "values", "type": {"type": "map", "values": ["null", "long", "double", "string"]}}]}
                                """);
        GenericData.Record old = new GenericData.Record(first);
        old.put("entity", "user");
        old.put("entity_id", "u1");
        old.put("group", "g");
        old.put("event_time", 300_000L);
        old.put("values", new HashMap<>(Map.of("count", 3L)));

        FeatureUpdate update = AvroSchemas.fromAvro(old);

        assertThat(update.version()).isZero();
        assertThat(update.tile()).isNull();
        assertThat(update.values()).containsEntry("count", 3L);
    }

    @Test
    void eventSchemasFollowTheStreamDeclarations() {
        FeatureSpec spec = SpecParser.parse(Path.of("../features.yaml"));
        Schema transactions = AvroSchemas.eventSchema(spec.stream("transactions").orElseThrow());

        assertThat(transactions.getFullName()).isEqualTo("dev.tessera.events.Transactions");
        assertThat(transactions.getField("amount").schema().getType())
                .isEqualTo(Schema.Type.DOUBLE);
        assertThat(transactions.getField("ts").schema().getLogicalType().getName())
                .isEqualTo("timestamp-millis");
    }
}
