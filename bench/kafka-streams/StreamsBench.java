// The Kafka Streams side of `scripts/bench-worker.sh --kafka-streams`: the same job
// shape as `dateline run`, written the way a Kafka Streams user would, so the
// bench can put the two side by side on the same broker, backlog and machine.
//
//   passthrough  records copied unchanged (compare with `dateline run --passthrough`)
//   json         each record parsed with Jackson, one field added, written back:
//                the least an enrichment step costs in Java, with no classifier
//
// At-least-once (Kafka Streams' default guarantee), one stream thread per core,
// commits every second, producer linger 20 ms and batches up to 1 MB, as
// dateline's defaults (librdkafka's batch size).
// Run with Java's single-file launcher: java -cp CLASSPATH StreamsBench.java
//   BROKERS INPUT OUTPUT APPLICATION_ID MODE
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

public class StreamsBench {
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: StreamsBench BROKERS INPUT OUTPUT APPLICATION_ID passthrough|json");
            System.exit(2);
        }
        String brokers = args[0], input = args[1], output = args[2], appId = args[3], mode = args[4];
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Runtime.getRuntime().availableProcessors());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
        // librdkafka's batch.size (1 MB): the Java default, 16 KB, holds three
        // 5 KB articles, and the many small produce requests halved throughput.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 1_000_000);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/streams-bench-" + appId);

        StreamsBuilder b = new StreamsBuilder();
        KStream<byte[], byte[]> in = b.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        KStream<byte[], byte[]> out;
        switch (mode) {
            case "passthrough" -> out = in;
            case "json" -> {
                ObjectMapper json = new ObjectMapper();
                out = in.mapValues(v -> {
                    try {
                        ObjectNode article = (ObjectNode) json.readTree(v);
                        article.put("classifier", "none");
                        return json.writeValueAsBytes(article);
                    } catch (Exception e) {
                        return v; // the bench loads valid articles only
                    }
                });
            }
            default -> throw new IllegalArgumentException("mode: passthrough or json, not " + mode);
        }
        out.to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));

        KafkaStreams streams = new KafkaStreams(b.build(), p);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }));
        streams.start();
        stopped.await();
    }
}
