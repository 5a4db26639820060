package dev.tessera.job;

import java.util.Queue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.testutils.junit.SharedReference;

/**
 * A sink adding every element to a queue owned by the test, reached through a {@link
 * SharedReference}: the sink is serialized into the job, the reference resolves to the test's own
 * queue in the MiniCluster of the same JVM, and no static state is shared between tests.
 */
final class CollectingSink<T> implements Sink<T> {

    private final SharedReference<? extends Queue<T>> results;

    CollectingSink(SharedReference<? extends Queue<T>> results) {
        this.results = results;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                results.get().add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
