// Run by broker.ts as a single-file source program (java -cp '<lib>/*' EnsureTopics.java ...), so one JVM does what
// kafka-topics.sh would need a JVM per topic for: waits for the broker, creates the missing topics, and returns only
// when every partition of every topic has a leader. Usage: EnsureTopics <bootstrap> <timeoutMs> <name:partitions>...
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

public class EnsureTopics {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long deadline = System.currentTimeMillis() + Long.parseLong(args[1]);
    List<NewTopic> wanted = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      String[] spec = args[i].split(":");
      wanted.add(new NewTopic(spec[0], Integer.parseInt(spec[1]), (short) 1));
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1000, deadline - now())));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    try (Admin admin = Admin.create(props)) {
      // the cluster id answers only once the broker has caught up with the metadata log
      admin.describeCluster().clusterId().get();
      for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> created :
          admin.createTopics(wanted).values().entrySet()) {
        try {
          created.getValue().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) throw e;
        }
      }
      List<String> names = wanted.stream().map(NewTopic::name).toList();
      while (true) {
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        boolean led = described.values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        if (led) break;
        if (now() > deadline) throw new IllegalStateException("topics have no leader yet: " + names);
        Thread.sleep(100);
      }
      System.out.println("ready " + String.join(",", names));
    }
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
