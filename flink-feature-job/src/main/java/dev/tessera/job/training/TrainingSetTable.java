package dev.tessera.job.training;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.serve.Served;
import dev.tessera.spec.store.FeatureValueCodec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * A training set's table in an in-memory DuckDB: the spine as read (Parquet or CSV, any columns),
 * the features of each row added by {@link #append}, written out as Parquet or CSV with the spine's
 * columns first, in the spine's order. One thread, so the same input gives the same bytes.
 */
final class TrainingSetTable implements AutoCloseable {

    /** How a training set is written. */
    enum Format {
        PARQUET,
        CSV;

        static Format of(Path out) {
            return out.toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? CSV : PARQUET;
        }
    }

    private static final String ROW = "__tessera_row";
    private static final Set<String> INTEGER_TYPES =
            Set.of("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "HUGEINT");

    private final Connection db;
    private final List<Feature> features;
    private DuckDBAppender appender;

    /**
     * Reads the spine, its {@code idColumn} as text (an id such as {@code 007} stays one); an
     * {@link IllegalArgumentException} says why it cannot be read.
     */
    TrainingSetTable(Path spine, String idColumn, List<Feature> features) throws SQLException {
        this.db = DriverManager.getConnection("jdbc:duckdb:");
        this.features = List.copyOf(features);
        String read =
                spine.toString().toLowerCase(Locale.ROOT).endsWith(".parquet")
                        ? "read_parquet(" + literal(spine) + ")"
                        : "read_csv("
                                + literal(spine)
                                + ", header = true, types = {"
                                + literal(idColumn)
                                + ": 'VARCHAR'})";
        try (Statement sql = db.createStatement()) {
            sql.execute("SET threads TO 1");
            sql.execute(
                    "CREATE TABLE spine AS SELECT row_number() OVER () - 1 AS "
                            + ROW
                            + ", * FROM "
                            + read);
        } catch (SQLException e) {
            db.close();
            throw new IllegalArgumentException(
                    "cannot read the spine "
                            + spine
                            + ": "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The spine's rows, in time order (rows of one time in spine order). */
    List<SpineRow> rows(String idColumn, String timeColumn) throws SQLException {
        String type = columnType(timeColumn);
        columnType(idColumn);
        for (Feature feature : features) {
            if (hasColumn(feature.name()) || hasColumn(feature.name() + "_status")) {
                throw new IllegalArgumentException(
                        "the spine has a column named like feature '"
                                + feature.name()
                                + "': rename it, the training set adds that column");
            }
        }
        String column = quoted(timeColumn);
        String millis =
                INTEGER_TYPES.contains(type)
                        ? "CAST(" + column + " AS BIGINT)"
                        : type.equals("VARCHAR")
                                ? "CASE WHEN regexp_full_match("
                                        + column
                                        + ", '-?[0-9]+') THEN CAST("
                                        + column
                                        + " AS BIGINT) ELSE epoch_ms(CAST("
                                        + column
                                        + " AS TIMESTAMP)) END"
                                : "epoch_ms(CAST(" + column + " AS TIMESTAMP))";
        List<SpineRow> rows = new ArrayList<>();
        try (Statement sql = db.createStatement();
                ResultSet result =
                        sql.executeQuery(
                                "SELECT "
                                        + ROW
                                        + ", CAST("
                                        + quoted(idColumn)
                                        + " AS VARCHAR), "
                                        + millis
                                        + " FROM spine ORDER BY "
                                        + ROW)) {
            while (result.next()) {
                long row = result.getLong(1);
                String id = result.getString(2);
                long time = result.getLong(3);
                if (id == null || result.wasNull()) {
                    throw new IllegalArgumentException(
                            "spine row "
                                    + (row + 1)
                                    + " has no "
                                    + (id == null ? idColumn : timeColumn));
                }
                rows.add(new SpineRow(row, id, time));
            }
        } catch (SQLException e) {
            // The only error of a query of a read table: a value that is no time.
            throw new IllegalArgumentException(
                    "the spine's column '"
                            + timeColumn
                            + "' must hold ISO-8601 times or epoch millis: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        rows.sort(Comparator.comparingLong(SpineRow::time).thenComparingLong(SpineRow::row));
        return rows;
    }

    /** Adds the features of one spine row. */
    void append(TrainingRow row) {
        try {
            if (appender == null) {
                createFeatureTable();
            }
            appender.beginRow();
            appender.append(row.row());
            for (int i = 0; i < features.size(); i++) {
                Served served = row.features().get(i);
                appendValue(features.get(i), served.value());
                appender.append(served.status().name());
            }
            appender.endRow();
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB refused a training row: " + e.getMessage(), e);
        }
    }

    /** Writes the spine's columns and the features', in spine order; returns the rows written. */
    long write(Path out, Format format) throws SQLException {
        if (appender == null) {
            createFeatureTable();
        }
        appender.close();
        try (Statement sql = db.createStatement()) {
            return sql.executeUpdate(
                    "COPY (SELECT s.* EXCLUDE ("
                            + ROW
                            + "), f.* EXCLUDE ("
                            + ROW
                            + ") FROM spine s LEFT JOIN features f ON s."
                            + ROW
                            + " = f."
                            + ROW
                            + " ORDER BY s."
                            + ROW
                            + ") TO "
                            + literal(out)
                            + (format == Format.CSV
                                    ? " (FORMAT csv, HEADER)"
                                    : " (FORMAT parquet)"));
        }
    }

    private void createFeatureTable() throws SQLException {
        StringBuilder columns = new StringBuilder(ROW + " BIGINT");
        for (Feature feature : features) {
            columns.append(", ")
                    .append(quoted(feature.name()))
                    .append(' ')
                    .append(sqlType(feature))
                    .append(", ")
                    .append(quoted(feature.name() + "_status"))
                    .append(" VARCHAR");
        }
        try (Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE features (" + columns + ")");
        }
        appender =
                ((DuckDBConnection) db).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "features");
    }

    /** Scalars as themselves; lists and maps as the store's text of them. */
    private static String sqlType(Feature feature) {
        return switch (feature.valueType()) {
            case LONG -> "BIGINT";
            case DOUBLE -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case STRING, LIST, MAP -> "VARCHAR";
        };
    }

    private void appendValue(Feature feature, Object value) throws SQLException {
        if (value == null) {
            appender.appendNull();
            return;
        }
        switch (feature.valueType()) {
            case LONG -> appender.append(((Number) value).longValue());
            case DOUBLE -> appender.append(((Number) value).doubleValue());
            case BOOLEAN -> appender.append((Boolean) value);
            case STRING -> appender.append(value.toString());
            case LIST, MAP -> appender.append(FeatureValueCodec.encode(value));
        }
    }

    private String columnType(String column) throws SQLException {
        try (Statement sql = db.createStatement();
                ResultSet result =
                        sql.executeQuery(
                                "SELECT data_type FROM information_schema.columns WHERE"
                                        + " table_name = 'spine' AND column_name = "
                                        + literal(column))) {
            if (!result.next()) {
                throw new IllegalArgumentException(
                        "the spine has no column '" + column + "' (it has " + columns() + ")");
            }
            return result.getString(1);
        }
    }

    private boolean hasColumn(String column) throws SQLException {
        return columns().contains(column);
    }

    private List<String> columns() throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement sql = db.createStatement();
                ResultSet result =
                        sql.executeQuery(
                                "SELECT column_name FROM information_schema.columns WHERE"
                                        + " table_name = 'spine' ORDER BY ordinal_position")) {
            while (result.next()) {
                if (!result.getString(1).equals(ROW)) {
                    columns.add(result.getString(1));
                }
            }
        }
        return columns;
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String literal(Object text) {
        return "'" + text.toString().replace("'", "''") + "'";
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
